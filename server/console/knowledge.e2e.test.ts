/**
 * The 知识库 screen end to end in headless Chromium: sign in, upload a made-up policy (a PDF), preview and
 * correct it, publish, ask a question the new document answers, roll back, and see it gone. The service
 * runs on a temporary copy of the Zhengzhou base. Screenshots go to artifacts/console/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBase, type TempBase } from '../../knowledge/admin/testing/temp-base.js';
import { hashPassword } from '../plugins/auth.js';
import { buildTestApp } from '../testing/build-test-app.js';
import { CHROMIUM, haveChromium, launchChromium } from '../testing/chromium.js';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../artifacts/console');
const NOTICE_PDF = fileURLToPath(new URL('../../knowledge/admin/fixtures/fictitious-notice.pdf', import.meta.url));
const PASSWORD = 'knowledge-editor-password';
const QUESTION = '萤火虫创新券每家企业最高能领多少？';
const NEW_TITLE = '星河区萤火虫创新券试行办法（虚构测试文件）';

const skip = !haveChromium && !process.env.CI;
if (skip) console.warn(`[knowledge e2e] SKIPPED: ${CHROMIUM} not found. Install it with "apt-get install -y chromium".`);

describe.skipIf(skip)('知识库 screen in Chromium', () => {
  let temp: TempBase;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  const text = (selector: string) => page.locator(selector).innerText();
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    temp = copyBase('zhengzhou');
    app = await buildTestApp({
      env: { KNOWLEDGE_BASE: temp.dir, KNOWLEDGE_DIST_DIR: temp.distDir, CONSOLE_USERS: `editor01:${await hashPassword(PASSWORD)}` },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`console error: ${message.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    temp?.remove();
  });

  const ask = async (question: string) => {
    await page.keyboard.press('Alt+1');
    await page.keyboard.press('Alt+N');
    await page.fill('#ask-input', question);
    await page.press('#ask-input', 'Enter');
    await expect.poll(() => text('#answer-card .question-echo')).toBe(question);
    return text('#ask-citations');
  };

  it('signs in and lists the base’s documents', async () => {
    await page.goto(`${base}/console`);
    await page.fill('#username', 'editor01');
    await page.fill('#password', PASSWORD);
    await page.press('#password', 'Enter');
    await page.locator('#app').waitFor();
    expect(await ask(QUESTION)).not.toContain(NEW_TITLE);
    await page.keyboard.press('Alt+6');
    await page.locator('#kb-docs [data-doc="zhengzhou-srdi-2024"]').waitFor();
    expect(await page.locator('#kb-docs tbody tr').count()).toBe(3);
    expect(await text('#kb-rollback-box')).toContain('没有可以回滚的修改');
  });

  it('uploads a PDF and previews its clause tree, cleaning report and the metadata read from it', async () => {
    await page.setInputFiles('#kb-file', NOTICE_PDF);
    await page.click('#kb-upload');
    await page.locator('#kb-preview[data-draft]').waitFor();
    expect(await text('#kb-format')).toContain('把握 0.50');
    expect(await page.inputValue('#kb-meta-title')).toBe(NEW_TITLE);
    expect(await page.inputValue('#kb-meta-issuer')).toBe('星河区虚构科技创新局');
    expect(await page.inputValue('#kb-meta-validTo')).toBe('2027-12-31');
    expect(await text('[data-field="issuer"] .hint')).toContain('从正文推断：取自落款');
    const tree = await text('#kb-clause-tree');
    expect(tree).toContain('第2条');
    expect(tree).toContain('金额 3万元');
    expect(await text('#kb-cleaning')).toContain('PDF 共 1 页');
    expect(await text('#kb-cleaning')).toContain('无法自动修复的片段：无');
    await shot('knowledge-1-preview');

    await page.fill('#kb-meta-docId', 'xinghe-voucher-2025');
    await page.fill('#kb-meta-shortTitle', '萤火虫创新券办法');
    await page.click('#kb-meta-save');
    await expect.poll(() => page.inputValue('#kb-meta-docId')).toBe('xinghe-voucher-2025');
    expect(await page.inputValue('#kb-meta-shortTitle')).toBe('萤火虫创新券办法');
    expect(await text('#kb-drafts')).toContain(NEW_TITLE);
  });

  it('publishes: the new document is served at once and answers a caller’s question', async () => {
    await page.click('#kb-publish');
    await page.locator('#kb-docs [data-doc="xinghe-voucher-2025"]').waitFor();
    expect(await text('#kb-docs [data-doc="xinghe-voucher-2025"]')).toContain('已发布');
    expect(await text('#kb-history')).toContain('新增《星河区萤火虫创新券试行办法（虚构测试文件）》');
    expect(await text('#kb-history')).toContain('editor01');
    await page.locator('#kb-preview[data-doc="xinghe-voucher-2025"]').waitFor();
    await shot('knowledge-2-published');

    const cited = await ask(QUESTION);
    expect(cited).toContain(NEW_TITLE);
    expect(cited).toContain('每家企业每年最高不超过3万元');
    await shot('knowledge-3-answered');
  });

  it('rolls back: the document is gone from the list and from the answers', async () => {
    await page.keyboard.press('Alt+6');
    await page.click('#kb-rollback');
    expect(await text('#kb-rollback-box')).toContain('确认回滚？将撤销“新增《星河区萤火虫创新券试行办法');
    await page.click('#kb-rollback-confirm');
    await page.locator('#kb-docs [data-doc="xinghe-voucher-2025"]').waitFor({ state: 'detached' });
    expect(await page.locator('#kb-docs tbody tr').count()).toBe(3);
    expect(await text('#kb-history')).toContain('回滚');
    await shot('knowledge-4-rolled-back');

    expect(await ask(QUESTION)).not.toContain(NEW_TITLE);
    expect(problems).toEqual([]);
  });
});
