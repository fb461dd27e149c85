/**
 * The hotline console end to end: the real service on a local port, driven in headless Chromium (Debian's
 * `chromium`, through playwright-core). A screenshot of each screen goes to artifacts/console/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../plugins/auth.js';
import { buildTestApp } from '../testing/build-test-app.js';
import { CHROMIUM, haveChromium, launchChromium } from '../testing/chromium.js';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../artifacts/console');
const PASSWORD = 'hotline-agent-password';
const CALC_QUESTION = '我们是省级专精特新，买了500万设备，市里能补多少？';
const WEATHER = '明天郑州天气怎么样';
const HOSTILE = '<img src=x onerror=alert(1)> 明天股市怎么样';

const skip = !haveChromium && !process.env.CI;
if (skip) {
  console.warn(
    `[console e2e] SKIPPED: ${CHROMIUM} not found. Install it with "apt-get install -y chromium" (CI installs it in .ci/run, and there this test never skips).`,
  );
}

describe.skipIf(skip)('hotline console in Chromium (1366×768)', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  const dialogs: string[] = [];

  const shot = async (name: string) => {
    // a copy confirmation from an earlier step may still be fading out: keep it out of the picture
    await page.evaluate(() => document.getElementById('toast')?.classList.remove('show'));
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  const text = (selector: string) => page.locator(selector).innerText();

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`);
    mkdirSync(SHOTS, { recursive: true });
    app = await buildTestApp({ env: { CONSOLE_USERS: `agent01:${await hashPassword(PASSWORD)}`, CONSOLE_SESSION_MINUTES: '60' } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // The first session check and the wrong password are 401 by design; the browser logs them as failed loads.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`console error: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('refuses a wrong password, then signs in', async () => {
    await page.goto(`${base}/console`);
    await page.locator('#sign-in-password').waitFor();
    await page.fill('#username', 'agent01');
    await page.fill('#password', 'not-the-password');
    await page.press('#password', 'Enter');
    await expect.poll(() => text('#sign-in-error')).toContain('用户名或密码不正确');
    expect(await page.locator('#app').isHidden()).toBe(true);
    await shot('0-sign-in-refused');

    await page.fill('#password', PASSWORD);
    await page.press('#password', 'Enter');
    await page.locator('#app').waitFor();
    expect(await text('#who-name')).toBe('agent01');
    expect(await text('#who-expires')).toMatch(/登录有效至 \d\d:\d\d/);
  });

  it('问答: answers the equipment question with 50万元 first, the formula and conditions folded, the full clause 三（一）1; copies answer and message', async () => {
    await page.keyboard.press('Alt+1');
    await page.fill('#ask-input', CALC_QUESTION);
    await page.press('#ask-input', 'Enter');
    await page.locator('#answer-card').waitFor();
    // What the agent reads out is the short answer, its figure in the first sentence.
    const read = page.locator('#read-aloud li');
    expect(await read.first().innerText()).toContain('最高50万元');
    expect(await text('#read-aloud')).not.toContain('条件核对');
    // The details are one click away, folded.
    const fold = page.locator('#answer-details');
    expect(await fold.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator('#answer-amounts').isVisible()).toBe(false);
    expect(await page.locator('#details-text').isVisible()).toBe(false);
    const cited = await text('#ask-citations');
    expect(cited).toContain('三（一）1');
    expect(cited).toContain('市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元');
    await shot('1-ask');
    await shot('answer-folded');

    await page.locator('#answer-details summary').click();
    await page.locator('#answer-amounts').waitFor();
    const amounts = await text('#answer-amounts');
    expect(amounts).toContain('500,000 元（50万元）');
    expect(amounts).toContain('5,000,000 × 10% = 500,000');
    expect(amounts).toContain('三（一）1');
    const details = await text('#details-text');
    expect(details).toContain('条件核对');
    expect(await page.locator('#details-text .checks li.met').count()).toBeGreaterThanOrEqual(3);
    expect(details).toContain('以主管部门审核为准');
    await shot('answer-expanded');

    await page.keyboard.press('Alt+C');
    await expect.poll(() => text('#toast')).toContain('已复制答复');
    const short = await page.evaluate(() => navigator.clipboard.readText());
    expect(short).toContain('最高50万元');
    expect(short).not.toContain('条件核对');
    await page.click('#copy-message');
    await expect.poll(() => text('#toast')).toContain('已复制答复和条款编号');
    const message = await page.evaluate(() => navigator.clipboard.readText());
    expect(message).toContain(short.trim());
    expect(message).toContain('依据：《郑州市专精特新企业三年倍增行动方案（2024—2026年）》三（一）1');
    // The clause text and the formula stay in the console: the message fits a WeChat bubble or an SMS or two.
    expect(message).not.toContain('支持企业加大研发投入');
    expect(message).not.toContain('5,000,000 × 10%');
  });

  it('检索: finds 创客中国 while typing, highlighted, and opens item 3 in its section with neighbours, units and validity', async () => {
    await page.keyboard.press('Alt+2');
    await page.locator('#search-detail').click(); // focus away from the box: / brings it back
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.keyboard.type('创客中国', { delay: 30 });
    const first = page.locator('#search-hits .hit').first();
    await first.waitFor();
    expect(await first.getAttribute('data-clause')).toBe('item-3');
    expect(await first.locator('mark').first().innerText()).toBe('创客中国');
    await page.locator('#search-hits .hit[data-clause="item-3"]').click();
    const detail = page.locator('#clause-detail');
    await detail.waitFor();
    const current = await text('#clause-detail .clause.current');
    expect(current).toContain('三（一）3');
    expect(current).toContain('高标准举办“创客中国”大赛');
    expect(current).toContain('分别给予不超过5万元、3万元、1万元奖励');
    expect(current).toContain('市工信局');
    const whole = await detail.innerText();
    expect(whole).toContain('三、主要任务 › （一）推动创业创新');
    expect(whole).toMatch(/上一条\s*三（一）2/);
    expect(whole).toMatch(/下一条\s*三（一）4/);
    expect(whole).toContain('有效期2024年12月19日至2026年12月31日，还剩 213 天');
    await shot('2-search');
  });

  it('测算: fills the form from /v1/calculator/inputs and shows every condition, the summary and the total', async () => {
    await page.keyboard.press('Alt+3');
    await page.locator('#fact-level').waitFor();
    await page.selectOption('#fact-level', 'provincial');
    await page.locator('[data-fact="statusValid"] .segmented label', { hasText: '是' }).click();
    await page.fill('#fact-investmentYuan', '500万元');
    await page.locator('[data-fact="provincialEquipmentSubsidyReceived"] .segmented label', { hasText: '否' }).click();
    await page.selectOption('#fact-contestPrize', 'first');
    await page.locator('#fact-investmentYuan').focus();
    await page.keyboard.press('Control+Enter');
    await page.locator('#calc-total').waitFor();
    expect(await text('#calc-total')).toBe('550,000 元（55万元）');
    expect(await text('#calc-read')).toContain('合计最高55万元');
    const equipment = page.locator('[data-rule="equipment-software-subsidy"]');
    expect(await equipment.innerText()).toContain('5,000,000 × 10% = 500,000');
    expect(await equipment.locator('.conditions li.met').count()).toBe(4);
    expect(await equipment.locator('.assumptions li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-rule="maker-china-contest-prize"] .amount').innerText()).toBe('50,000 元（5万元）');
    await shot('3-calculate');
  });

  it('浏览: shows the plan’s validity and the days left prominently, and the documents by section', async () => {
    await page.keyboard.press('Alt+4');
    await page.locator('#days-left').waitFor();
    expect(await text('#days-left')).toBe('213'); // 2026-06-01 (the test service's today) to 2026-12-31
    expect(await text('#browse-validity')).toContain('距有效期结束还剩 213 天');
    await page.locator('#browse-content [data-clause="item-3"]').waitFor();
    expect(await text('#browse-sections')).toContain('三、主要任务 › （一）推动创业创新');
    await shot('4-browse');
  });

  it('洞察: a just-asked out-of-scope question appears under unanswered, and HTML in a question shows as text', async () => {
    await page.keyboard.press('Alt+1');
    await page.keyboard.press('Alt+N'); // a new caller: nothing carried over from the previous call
    expect(await text('#ask-history')).toContain('本次来电还没有提问');
    for (const question of [WEATHER, HOSTILE]) {
      await page.fill('#ask-input', question);
      await page.press('#ask-input', 'Enter');
      await expect.poll(() => text('#answer-card .question-echo')).toBe(question);
    }
    expect(await page.locator('#ask-history li').count()).toBe(2);
    expect(await page.locator('#ask-result img').count()).toBe(0);

    await page.keyboard.press('Alt+5');
    const unanswered = page.locator('#insights-unanswered');
    await unanswered.locator('td.q', { hasText: WEATHER }).waitFor();
    expect(await unanswered.locator('tr', { hasText: WEATHER }).locator('.badge').innerText()).toMatch(
      /超出本方案范围|未找到条款|不在范围/,
    );
    // the question with HTML in it is listed as the characters typed, not as an element
    expect(await page.locator('#insights-top td.q', { hasText: 'onerror' }).innerText()).toBe(HOSTILE);
    expect(await page.locator('#screen-insights img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot('5-insights');
  });

  it('keyboard: ? shows the shortcuts; signing out closes the staff routes (401) while /v1/ask stays open', async () => {
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('?');
    await page.locator('#help').waitFor();
    expect(await text('#help')).toContain('Alt+1');
    await shot('6-shortcuts');
    await page.keyboard.press('Escape');
    expect(await page.locator('#help').isHidden()).toBe(true);

    await page.click('#sign-out');
    await page.locator('#sign-in').waitFor();
    const statuses = await page.evaluate(async () => [
      (await fetch('/v1/staff/insights')).status,
      (await fetch('/v1/staff/session')).status,
      (
        await fetch('/v1/ask', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: '你好' }),
        })
      ).status,
    ]);
    expect(statuses).toEqual([401, 401, 200]);
    expect(problems).toEqual([]);
  });
});
