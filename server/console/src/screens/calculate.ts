/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiError } from '../api.js';
import { byId, copyText, h, render, toast } from '../dom.js';
import { chineseDate, yuan } from '../format.js';
import type { ConsoleContext } from '../main.js';
import type { CalculateResponse, FactInput, RuleResult } from '../types.js';

const STATUS: Record<RuleResult['status'], [string, string]> = {
  eligible: ['可申请', 'ok'],
  'needs-facts': ['待补充信息', 'warn'],
  ineligible: ['不符合', 'muted'],
  expired: ['方案已过期', 'bad'],
};
const ORDER: RuleResult['status'][] = ['eligible', 'needs-facts', 'expired', 'ineligible'];

/** 测算: the form built from /v1/calculator/inputs; results with every condition and assumption, and the summary. */
export function calculateScreen(ctx: ConsoleContext) {
  const form = byId<HTMLFormElement>('calc-form');
  const fields = byId('calc-fields');
  const result = byId('calc-result');
  let inputs: FactInput[] = [];
  let loaded = false;

  async function load() {
    if (loaded) return;
    try {
      inputs = (await api<{ inputs: FactInput[] }>('GET', '/v1/calculator/inputs')).inputs;
      loaded = true;
      render(fields, inputs.map(field));
      placeholder();
    } catch (error) {
      render(fields, h('p', { class: 'error', role: 'alert' }, error instanceof ApiError ? error.message : '无法加载计算器表单'));
    }
  }

  function placeholder() {
    render(
      result,
      h(
        'div',
        { class: 'card empty' },
        h('p', null, '按来电者的情况填写左侧表单（不知道的留空），点“测算”或按 Ctrl+Enter。'),
        h('p', { class: 'muted' }, '结果逐项列出每个条件的核对情况和测算所作的假设，并给出可以读给来电者听的一段话。'),
      ),
    );
  }

  function field(input: FactInput) {
    const id = `fact-${input.id}`;
    let control: HTMLElement;
    if (input.type === 'boolean') {
      control = h(
        'div',
        { class: 'segmented', role: 'radiogroup', 'aria-labelledby': `${id}-label` },
        [
          ['', '未填'],
          ['true', '是'],
          ['false', '否'],
        ].map(([value, label]) =>
          h('label', null, h('input', { type: 'radio', name: input.id, value: value!, checked: value === '' }), h('span', null, label!)),
        ),
      );
    } else if (input.options) {
      control = h(
        'select',
        { id, name: input.id },
        h('option', { value: '' }, '（未填）'),
        input.options.map((o) => h('option', { value: o.value }, o.label)),
      );
    } else if (input.type === 'year') {
      control = h('input', {
        id,
        name: input.id,
        type: 'number',
        min: 2000,
        max: 2100,
        step: 1,
        placeholder: '如 2025',
        inputmode: 'numeric',
      });
    } else {
      control = h('input', {
        id,
        name: input.id,
        type: 'text',
        placeholder: input.type === 'money' ? '如 500万元' : '',
        autocomplete: 'off',
      });
    }
    return h(
      'div',
      { class: 'field', 'data-fact': input.id },
      h('label', { id: `${id}-label`, for: id }, input.label),
      control,
      h('div', { class: 'hint' }, input.question, input.help ? ` ${input.help}` : ''),
      h('div', { class: 'field-error', role: 'alert' }),
    );
  }

  function facts(): Record<string, unknown> {
    const data = new FormData(form);
    const out: Record<string, unknown> = {};
    for (const input of inputs) {
      const raw = String(data.get(input.id) ?? '').trim();
      if (!raw) continue;
      out[input.id] = input.type === 'boolean' ? raw === 'true' : input.type === 'year' ? Number(raw) : raw;
    }
    return out;
  }

  async function calculate() {
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    const filled = facts();
    if (Object.keys(filled).length === 0) {
      toast('请至少填写一项企业情况', 'error');
      return;
    }
    render(result, h('div', { class: 'card muted' }, '正在测算…'));
    try {
      show(await api<CalculateResponse>('POST', '/v1/calculate', { facts: filled, asOf: ctx.today() }));
    } catch (error) {
      render(result, h('div', { class: 'card error', role: 'alert' }, error instanceof ApiError ? error.message : '测算失败'));
    }
  }

  function show(report: CalculateResponse) {
    for (const invalid of report.invalidFacts) {
      const slot = form.querySelector(`[data-fact="${CSS.escape(invalid.factId)}"] .field-error`);
      if (slot) slot.textContent = invalid.problem;
    }
    const results = [...report.results].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
    render(
      result,
      h(
        'div',
        { class: 'card calc-summary', id: 'calc-summary' },
        h(
          'div',
          { class: 'total-line' },
          h(
            'div',
            null,
            h('div', { class: 'muted' }, '合计最高（可叠加部分）'),
            h('div', { class: 'total', id: 'calc-total' }, yuan(report.totalYuan)),
          ),
          h('div', { class: 'muted as-of' }, `按 ${chineseDate(report.asOf)} 测算`),
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: async () => toast((await copyText(report.summary)) ? '已复制测算结论' : '复制失败', 'ok'),
            },
            '复制结论',
          ),
        ),
        h('h3', null, '读给来电者'),
        h('p', { class: 'read-aloud-text', id: 'calc-read' }, report.summary),
        report.followUp.length > 0
          ? h(
              'div',
              { class: 'follow-up' },
              h('h3', null, '还需向来电者了解'),
              h(
                'ul',
                null,
                report.followUp.map((f) => h('li', null, f.question)),
              ),
            )
          : null,
        report.invalidFacts.length > 0
          ? h(
              'ul',
              { class: 'error' },
              report.invalidFacts.map((f) => h('li', null, f.problem)),
            )
          : null,
        report.notes.length > 0
          ? h(
              'ul',
              { class: 'notes muted' },
              report.notes.map((n) => h('li', null, n)),
            )
          : null,
      ),
      results.map((r) => rule(r, results)),
    );
  }

  function rule(r: RuleResult, all: RuleResult[]) {
    const [label, tone] = STATUS[r.status];
    return h(
      'article',
      { class: `card rule ${r.status}`, 'data-rule': r.ruleId },
      h(
        'header',
        null,
        h('span', { class: `badge ${tone}` }, label),
        h('strong', null, r.title),
        h('span', { class: 'spacer' }),
        r.eligible ? h('span', { class: 'amount' }, yuan(r.amountYuan)) : null,
      ),
      h(
        'div',
        { class: 'formula' },
        '算式：',
        r.formula,
        ' · 依据 ',
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => ctx.openClause(r.citation.docId, r.citation.clauseId) },
          ctx.clauseLabel(r.citation.docId, r.citation.clauseId),
        ),
      ),
      h(
        'ul',
        { class: 'conditions' },
        r.conditions.map((c) =>
          h(
            'li',
            { class: c.met === true ? 'met' : c.met === false ? 'unmet' : 'unknown' },
            h(
              'span',
              { class: 'mark', 'aria-label': c.met === true ? '符合' : c.met === false ? '不符合' : '待确认' },
              c.met === true ? '✓' : c.met === false ? '✗' : '?',
            ),
            h('span', null, c.description),
            h('span', { class: 'muted' }, `（${c.detail}）`),
          ),
        ),
      ),
      r.assumptions.length > 0
        ? h(
            'details',
            { class: 'assumptions', open: r.eligible },
            h('summary', null, `假设与说明（${r.assumptions.length}）`),
            h(
              'ul',
              null,
              r.assumptions.map((a) => h('li', null, a)),
            ),
          )
        : null,
      r.reasons.length > 0 ? h('p', { class: 'reasons' }, r.reasons.join(' ')) : null,
      r.supersededBy
        ? h(
            'p',
            { class: 'muted' },
            `与“${all.find((x) => x.ruleId === r.supersededBy)?.title ?? r.supersededBy}”从高、不重复，不计入合计。`,
          )
        : null,
    );
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void calculate();
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || (e.target instanceof HTMLInputElement && e.target.type !== 'radio'))) {
      e.preventDefault();
      void calculate();
    }
  });
  form.addEventListener('reset', () => {
    window.setTimeout(() => {
      for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
      placeholder();
    });
  });

  return {
    load,
    focus: () => {
      void load().then(() => form.querySelector<HTMLElement>('select, input')?.focus());
    },
  };
}
