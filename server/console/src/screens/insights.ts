/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiError } from '../api.js';
import { byId, h, render } from '../dom.js';
import { addDays, KIND_LABELS, shortTime } from '../format.js';
import type { ConsoleContext } from '../main.js';
import type { Insights } from '../types.js';

const REASONS: Record<string, string> = {
  no_clause: '未找到条款',
  other_region: '其他地区政策',
  other_topic: '超出本方案范围',
  refused: '拒答',
  out_of_scope: '不在范围',
};
const CHANNELS: Record<string, string> = {
  console: '热线',
  api: '接口',
  wechat: '微信',
  miniprogram: '小程序',
  'chat-completions': '兼容接口',
};

/**
 * 洞察: most asked questions in a period, questions the advisor could not answer, answers marked unhelpful.
 * Questions are user text: they are only ever put on the page as text nodes.
 */
export function insightsScreen(ctx: Pick<ConsoleContext, 'today'>) {
  const form = byId<HTMLFormElement>('insights-form');
  const from = byId<HTMLInputElement>('insights-from');
  const to = byId<HTMLInputElement>('insights-to');
  const range = byId('insights-range');
  const top = byId('insights-top');
  const unanswered = byId('insights-unanswered');
  const unhelpful = byId('insights-unhelpful');

  function preset(days: number) {
    const today = ctx.today();
    to.value = today;
    from.value = addDays(today, -(days - 1));
  }

  async function load() {
    if (!from.value || !to.value) preset(7);
    range.textContent = '加载中…';
    try {
      const data = await api<Insights>('GET', `/v1/staff/insights?${new URLSearchParams({ from: from.value, to: to.value, limit: '50' })}`);
      show(data);
    } catch (error) {
      range.textContent = error instanceof ApiError ? error.message : '加载失败';
    }
  }

  function empty(text: string) {
    return h('p', { class: 'muted empty-row' }, text);
  }

  function show(data: Insights) {
    range.textContent = `统计区间：${data.from} 至 ${data.to}（中国时间）`;
    render(
      top,
      data.topQuestions.length === 0
        ? empty('这段时间没有提问。')
        : h(
            'table',
            { class: 'table' },
            h(
              'thead',
              null,
              h('tr', null, h('th', null, '#'), h('th', null, '问题'), h('th', { class: 'num' }, '次数'), h('th', null, '最近答复')),
            ),
            h(
              'tbody',
              null,
              data.topQuestions.map((q, i) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'muted' }, String(i + 1)),
                  h('td', { class: 'q' }, q.question),
                  h('td', { class: 'num' }, String(q.count)),
                  h('td', null, h('span', { class: `badge kind-${q.lastKind}` }, KIND_LABELS[q.lastKind] ?? q.lastKind)),
                ),
              ),
            ),
          ),
    );
    render(
      unanswered,
      data.unanswered.length === 0
        ? empty('这段时间没有未能回答的问题。')
        : h(
            'table',
            { class: 'table' },
            h('thead', null, h('tr', null, h('th', null, '时间'), h('th', null, '问题'), h('th', null, '原因'), h('th', null, '渠道'))),
            h(
              'tbody',
              null,
              data.unanswered.map((q) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'time' }, shortTime(q.at)),
                  h('td', { class: 'q' }, q.question),
                  h('td', null, h('span', { class: 'badge warn' }, REASONS[q.reason] ?? q.reason)),
                  h('td', { class: 'muted' }, CHANNELS[q.channel] ?? q.channel),
                ),
              ),
            ),
          ),
    );
    render(
      unhelpful,
      data.unhelpful.length === 0
        ? empty('这段时间没有被标记“没用”的答复。')
        : h(
            'table',
            { class: 'table' },
            h('thead', null, h('tr', null, h('th', null, '时间'), h('th', null, '问题'), h('th', null, '意见'))),
            h(
              'tbody',
              null,
              data.unhelpful.map((q) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'time' }, shortTime(q.at)),
                  h('td', { class: 'q' }, q.question, ' ', h('span', { class: `badge kind-${q.kind}` }, KIND_LABELS[q.kind] ?? q.kind)),
                  h('td', { class: 'comment' }, q.comment ?? '（无意见）'),
                ),
              ),
            ),
          ),
    );
  }

  for (const button of form.querySelectorAll<HTMLButtonElement>('[data-days]')) {
    button.addEventListener('click', () => {
      preset(Number(button.dataset.days));
      void load();
    });
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });

  return { load, focus: () => form.querySelector<HTMLElement>('[data-days]')?.focus() };
}
