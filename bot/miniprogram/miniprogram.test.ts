// @vitest-environment jsdom
// miniprogram-simulate renders components into a DOM (j-component), so this file runs under jsdom.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, haveChromium, launchChromium } from '../../server/testing/chromium.js';
import { buildMiniprogram, MINIPROGRAM_DIR } from '../scripts/build-miniprogram.js';
import { startAdvisorProcess, type AdvisorProcess } from '../testing/advisor-process.js';
import { shellHtml, SHELL_VIEWPORT } from '../testing/miniprogram-shell.js';

/**
 * The mini-program's pages, compiled by the real build into a temp folder, rendered by miniprogram-simulate,
 * with `wx.request` forwarded to the real advisor service on a local port (in a child process: the
 * service must not run under jsdom's browser globals).
 */

type Page = ReturnType<typeof simulate.render>;
interface WxRequestOptions {
  url: string;
  method?: string;
  data?: unknown;
  success?: (res: { statusCode: number; data: unknown; header: Record<string, string>; errMsg: string }) => void;
  fail?: (err: { errMsg: string }) => void;
}

let advisor: AdvisorProcess;
let outDir: string;
const requests: { method: string; path: string; body?: unknown }[] = [];

beforeAll(async () => {
  outDir = buildMiniprogram({ outDir: path.join(mkdtempSync(path.join(tmpdir(), 'miniprogram-')), 'dist') }).outDir;
  advisor = await startAdvisorProcess();
  const base = advisor.url;
  const { SERVICE_URL } = createRequire(import.meta.url)(path.join(outDir, 'config.js')) as { SERVICE_URL: string };

  // What WeChat would do with the request, done with fetch against the test service.
  const wx = (globalThis as unknown as { wx: { request: (o: WxRequestOptions) => { abort(): void } } }).wx;
  wx.request = (o) => {
    const url = new URL(o.url.replace(SERVICE_URL, base));
    const method = o.method ?? 'GET';
    requests.push({ method, path: url.pathname + url.search, ...(o.data !== undefined ? { body: o.data } : {}) });
    fetch(url.href, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(o.data ?? {}) } : {}),
    })
      .then(async (r) => o.success?.({ statusCode: r.status, data: await r.json(), header: {}, errMsg: 'request:ok' }))
      .catch((error: Error) => o.fail?.({ errMsg: `request:fail ${error.message}` }));
    return { abort() {} };
  };
});
afterAll(async () => {
  await advisor?.stop();
});

function render(page: 'ask' | 'calculate' | 'policies'): Page {
  const id = simulate.load(path.join(outDir, 'pages', page, 'index'), { compiler: 'simulate', rootPath: outDir });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

const html = (comp: Page) => comp.dom!.innerHTML;
const text = (comp: Page, selector: string) => comp.querySelectorAll(selector).map((n) => n.dom!.textContent ?? '');

async function until(predicate: () => boolean, what: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await simulate.sleep(10);
  }
}

describe('问答 page', () => {
  it('renders its introduction', () => {
    const comp = render('ask');
    expect(html(comp)).toContain('我们是省级专精特新，买了500万设备，市里能补多少？');
    expect(comp.querySelector('.composer-send')).toBeTruthy();
  });

  it('asks the service and shows the answer, its amounts, the folded clause, the disclaimer and feedback buttons', async () => {
    const comp = render('ask');
    comp
      .querySelector('.composer-input')!
      .dispatchEvent('input', { detail: { value: '我们是省级专精特新，买了500万设备，市里能补多少？' } });
    comp.querySelector('.composer-send')!.dispatchEvent('tap');
    await until(() => comp.querySelectorAll('.msg-advisor').length === 1, 'the answer');

    expect(text(comp, '.msg-user .msg-text')).toEqual(['我们是省级专精特新，买了500万设备，市里能补多少？']);
    expect(text(comp, '.msg-advisor .msg-text')[0]).toContain('最高50万元');
    expect(text(comp, '.amount-title')).toEqual(['设备、软件投资补助']);
    expect(text(comp, '.amount .amount-value')).toEqual(['最高 500,000 元']);
    expect(text(comp, '.msg-advisor .disclaimer')).toEqual(['金额为政策上限，以主管部门审核为准']);

    // The clause is folded until tapped.
    expect(comp.querySelector('.citation-quote')).toBeFalsy();
    expect(text(comp, '.citation .fold-head')[0]).toContain('三（一）1');
    comp.querySelector('.citation .fold-head')!.dispatchEvent('tap');
    await until(() => !!comp.querySelector('.citation-quote'), 'the clause to unfold');
    expect(text(comp, '.citation-quote')[0]).toContain('最高不超过200万元');

    const asked = requests.filter((r) => r.path === '/v1/ask').at(-1)!;
    expect(asked.body).toMatchObject({
      question: '我们是省级专精特新，买了500万设备，市里能补多少？',
      channel: 'miniprogram',
      sessionId: expect.stringMatching(/^mp-/),
    });

    comp.querySelector('.feedback-yes')!.dispatchEvent('tap');
    await until(() => text(comp, '.feedback-done')[0] === '感谢您的反馈！', 'the feedback to be recorded');
    expect(requests.filter((r) => r.path === '/v1/feedback').at(-1)!.body).toEqual({ answerId: expect.any(String), helpful: true });
  });

  it('folds the details (formula, conditions, validity) under the short answer until tapped, and folds them again', async () => {
    const comp = render('ask');
    comp
      .querySelector('.composer-input')!
      .dispatchEvent('input', { detail: { value: '我们是省级专精特新，买了500万设备，市里能补多少？' } });
    comp.querySelector('.composer-send')!.dispatchEvent('tap');
    await until(() => comp.querySelectorAll('.msg-advisor').length === 1, 'the answer');

    // The short answer carries the figure; the formula and the conditions wait behind the fold.
    const answer = text(comp, '.msg-advisor .msg-text')[0]!;
    expect(answer).toContain('最高50万元');
    expect(answer).not.toContain('条件核对');
    expect(comp.querySelector('.details-body')).toBeFalsy();
    expect(text(comp, '.details-head')).toEqual(['▸ 查看详情（算式、条件、有效期）']);

    comp.querySelector('.details-head')!.dispatchEvent('tap');
    await until(() => !!comp.querySelector('.details-body'), 'the details to unfold');
    const details = text(comp, '.details-body')[0]!;
    expect(details).toContain('5,000,000 × 10% = 500,000');
    expect(details).toContain('条件核对');
    expect(details).toContain('以主管部门审核为准');
    expect(text(comp, '.details-head')).toEqual(['▾ 收起详情']);
    // Unfolding the details leaves the clause folded: each opens on its own.
    expect(comp.querySelector('.citation-quote')).toBeFalsy();

    comp.querySelector('.details-head')!.dispatchEvent('tap');
    await until(() => !comp.querySelector('.details-body'), 'the details to fold again');
  });
});

describe('测算 page', () => {
  async function form() {
    const comp = render('calculate');
    await until(() => comp.querySelectorAll('.field').length > 0, 'the form from /v1/calculator/inputs');
    const fields = (comp.data as { fields: { id: string; optionValues: string[] }[] }).fields;
    const index = (id: string) => fields.findIndex((f) => f.id === id);
    // j-component answers selectors from the page root only, hence `.field-x .field-input` rather than nesting.
    const field = (id: string, part: string) => comp.querySelector(`.field-${id} ${part}`);
    const pick = (id: string, value: string) =>
      field(id, '.field-picker')!.dispatchEvent('change', { detail: { value: fields[index(id)]!.optionValues.indexOf(value) } });
    const type = (id: string, value: string) => field(id, '.field-input')!.dispatchEvent('input', { detail: { value } });
    const submit = async () => {
      const before = requests.filter((r) => r.path === '/v1/calculate').length;
      comp.querySelector('.submit')!.dispatchEvent('tap');
      await until(() => requests.filter((r) => r.path === '/v1/calculate').length > before, 'the calculation request');
      await until(() => !(comp.data as { submitting: boolean }).submitting, 'the calculation');
    };
    return { comp, pick, type, submit, field };
  }

  it('renders a form generated from the service’s inputs', async () => {
    const { comp } = await form();
    const labels = text(comp, '.field-label');
    expect(labels).toEqual(expect.arrayContaining(['专精特新资质等级', '设备、软件实际投资额（税后）', '“创客中国”郑州市分赛获奖等次']));
    expect(labels.length).toBeGreaterThanOrEqual(6);
    expect(comp.querySelector('.field-investmentYuan .field-input')).toBeTruthy();
    expect(comp.querySelector('.field-level .field-picker')).toBeTruthy();
  });

  it('calculates every award with amount, formula, conditions, citation and total, under the disclaimer', async () => {
    const { comp, pick, type, submit } = await form();
    pick('level', 'provincial');
    pick('statusValid', 'true');
    type('investmentYuan', '500万');
    pick('provincialEquipmentSubsidyReceived', 'false');
    pick('contestPrize', 'first');
    await simulate.sleep(0);
    expect(text(comp, '.field-level .picker-value')).toEqual(['省级专精特新中小企业']);
    expect(text(comp, '.field-clusterLevel .picker-value')).toEqual(['请选择']);
    await submit();

    expect(requests.filter((r) => r.path === '/v1/calculate').at(-1)!.body).toEqual({
      facts: {
        level: 'provincial',
        statusValid: true,
        investmentYuan: '500万',
        provincialEquipmentSubsidyReceived: false,
        contestPrize: 'first',
      },
    });
    await until(() => !!comp.querySelector('.result'), 'the result');
    const equipment = (part: string) => text(comp, `.award-equipment-software-subsidy ${part}`)[0];
    expect(equipment('.award-amount')).toBe('最高 500,000 元');
    expect(equipment('.award-formula')).toBe('计算：5,000,000 × 10% = 500,000（上限 2,000,000）');
    expect(equipment('.award-conditions')).toContain('✓ 持有省级以上专精特新资质');
    expect(equipment('.award-citation')).toContain('依据：三（一）1 支持企业加大研发投入');
    comp.querySelector('.award-equipment-software-subsidy .award-citation')!.dispatchEvent('tap');
    await until(() => !!comp.querySelector('.award-equipment-software-subsidy .citation-text'), 'the citation to unfold');
    expect(text(comp, '.award-equipment-software-subsidy .citation-text')[0]).toContain('最高不超过200万元');
    expect(comp.querySelector('.award-maker-china-contest-prize .award-amount')!.dom!.textContent).toBe('最高 50,000 元');
    expect(text(comp, '.result-total')).toEqual(['550,000 元']);
    // The disclaimer on the total and on every award.
    expect(text(comp, '.result .disclaimer').every((t) => t === '金额为政策上限，以主管部门审核为准')).toBe(true);
    expect(text(comp, '.result .disclaimer').length).toBe(comp.querySelectorAll('.award').length + 1);
  });

  it.each(['500万', '5,000,000', '五百万'])('accepts %s as the investment', async (value) => {
    const { comp, pick, type, submit, field } = await form();
    pick('level', 'provincial');
    pick('statusValid', 'true');
    pick('provincialEquipmentSubsidyReceived', 'false');
    type('investmentYuan', value);
    await submit();
    expect(field('investmentYuan', '.field-error')).toBeFalsy();
    await until(() => !!comp.querySelector('.result'), 'the result');
    expect(comp.querySelector('.award-equipment-software-subsidy .award-amount')!.dom!.textContent).toBe('最高 500,000 元');
  });

  it('refuses abc with a message next to the field, and shows no amounts', async () => {
    const { comp, pick, type, submit, field } = await form();
    pick('level', 'provincial');
    type('investmentYuan', 'abc');
    await submit();
    expect(field('investmentYuan', '.field-error')!.dom!.textContent).toContain('无法识别为金额');
    expect(text(comp, '.form-error')).toEqual(['请修改标红的项目后再测算']);
    expect(comp.querySelector('.result')).toBeFalsy();
    // Correcting the value clears the message and calculates.
    type('investmentYuan', '5,000,000');
    await simulate.sleep(0); // j-component delivers events on the next microtask
    expect(field('investmentYuan', '.field-error')).toBeFalsy();
    await submit();
    await until(() => !!comp.querySelector('.result'), 'the result');
  });

  it('asks for at least one fact before calling the service', async () => {
    const { comp } = await form();
    const before = requests.filter((r) => r.path === '/v1/calculate').length;
    comp.querySelector('.submit')!.dispatchEvent('tap');
    await simulate.sleep(20);
    expect(text(comp, '.form-error')).toEqual(['请至少填写一项企业情况']);
    expect(requests.filter((r) => r.path === '/v1/calculate').length).toBe(before);
  });
});

describe('政策 page', () => {
  it('renders the plan’s clauses by section, folded, and searches them', async () => {
    const comp = render('policies');
    await until(() => comp.querySelectorAll('.section').length > 0, 'the clauses');
    expect(text(comp, '.doc-title')).toEqual(['郑州市专精特新企业三年倍增行动方案（2024—2026年）']);
    expect(text(comp, '.doc-validity')[0]).toContain('2026-12-31');
    const titles = text(comp, '.section-title');
    expect(titles).toEqual(expect.arrayContaining(['一、指导思想', '三、主要任务 · （一）推动创业创新']));
    const clauseCount = comp.querySelectorAll('.clause').length;
    expect(clauseCount).toBe((await (await fetch(`${advisor.url}/v1/policies/zhengzhou-srdi-2024`)).json()).clauses.length);
    expect(comp.querySelector('.clause-text')).toBeFalsy();
    const heads = comp.querySelectorAll('.clause-head');
    const item3 = heads.find((h) => (h.dom!.textContent ?? '').includes('三（一）3'))!;
    item3.dispatchEvent('tap');
    await until(() => !!comp.querySelector('.clause-text'), 'the clause to unfold');
    expect(text(comp, '.clause-text')[0]).toContain('分别给予不超过5万元、3万元、1万元奖励');

    comp.querySelector('.search-input')!.dispatchEvent('input', { detail: { value: '创客中国' } });
    comp.querySelector('.search-button')!.dispatchEvent('tap');
    await until(() => comp.querySelectorAll('.hit').length > 0, 'search results');
    expect(text(comp, '.hit-head')[0]).toContain('三（一）3');
    expect(requests.filter((r) => r.path.startsWith('/v1/search')).at(-1)!.path).toBe(
      `/v1/search?q=${encodeURIComponent('创客中国')}&k=10&docId=zhengzhou-srdi-2024`,
    );
    expect(comp.querySelector('.section')).toBeFalsy();
  });
});

// Pictures for people reviewing the page, in a simulated shell (bot/testing/miniprogram-shell.ts): the page as
// miniprogram-simulate renders it, with its own WXSS, in Chromium. Not WeChat, and the pictures say so.
const skipPictures = !haveChromium && !process.env.CI;
if (skipPictures) console.warn(`[mini-program pictures] SKIPPED: ${CHROMIUM} not found. Install it with "apt-get install -y chromium".`);

describe.skipIf(skipPictures)('问答 page in a simulated shell (pictures)', () => {
  // path.join, not new URL(): under jsdom the global URL is jsdom's.
  const SHOTS = path.join(MINIPROGRAM_DIR, '..', '..', 'artifacts', 'miniprogram');

  it('shows the short answer with the details folded, then unfolded', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const comp = render('ask');
    comp
      .querySelector('.composer-input')!
      .dispatchEvent('input', { detail: { value: '我们是省级专精特新，买了500万设备，市里能补多少？' } });
    comp.querySelector('.composer-send')!.dispatchEvent('tap');
    await until(() => comp.querySelectorAll('.msg-advisor').length === 1, 'the answer');

    const app = JSON.parse(readFileSync(path.join(outDir, 'app.json'), 'utf8')) as {
      window: { navigationBarBackgroundColor: string };
      tabBar: { list: { text: string }[] };
    };
    const page = JSON.parse(readFileSync(path.join(outDir, 'pages', 'ask', 'index.json'), 'utf8')) as { navigationBarTitleText: string };
    const html = () =>
      shellHtml({
        pageHtml: comp.dom!.outerHTML,
        pageWxss: readFileSync(path.join(outDir, 'pages', 'ask', 'index.wxss'), 'utf8'),
        appWxss: readFileSync(path.join(outDir, 'app.wxss'), 'utf8'),
        classPrefix: 'main',
        navigationTitle: page.navigationBarTitleText,
        navigationColor: app.window.navigationBarBackgroundColor,
        tabs: app.tabBar.list.map((t) => t.text),
        selectedTab: 0,
        inputPlaceholder: '输入您的问题',
        caption: '模拟预览：页面由 miniprogram-simulate 按 WXML、WXSS 渲染，外框与原生控件为仿制，并非微信客户端截图。',
      });

    const browser = await launchChromium();
    try {
      const shot = await browser.newPage({ viewport: SHELL_VIEWPORT, deviceScaleFactor: 2, locale: 'zh-CN' });
      await shot.setContent(html());
      expect(await shot.locator('.main--details-head').innerText()).toContain('查看详情');
      expect(await shot.locator('.main--details-body').count()).toBe(0);
      await shot.screenshot({ path: path.join(SHOTS, 'answer-folded-simulated.png') });

      comp.querySelector('.details-head')!.dispatchEvent('tap');
      await until(() => !!comp.querySelector('.details-body'), 'the details to unfold');
      await shot.setContent(html());
      expect(await shot.locator('.main--details-body').innerText()).toContain('5,000,000 × 10% = 500,000');
      // Scrolled as a reader would: the answer at the top, the unfolded details below it.
      await shot.evaluate(() => {
        const answer = document.querySelector<HTMLElement>('.main--msg-advisor')!;
        document.getElementById('shell-page')!.scrollTop = answer.offsetTop - 8;
      });
      await shot.screenshot({ path: path.join(SHOTS, 'answer-expanded-simulated.png') });
    } finally {
      await browser.close();
    }
  });
});
