/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { ApiError } from '../api.js';
import { byId, h, render } from '../dom.js';
import { chineseDate, validityText } from '../format.js';
import type { ConsoleContext } from '../main.js';
import type { Clause, Document } from '../types.js';

interface Group {
  key: string;
  title: string;
  clauses: Clause[];
}

/** Consecutive clauses under the same section path form a group; a clause with no path stands alone. */
function groups(clauses: Clause[]): Group[] {
  const out: Group[] = [];
  for (const clause of clauses) {
    const key = clause.path.join(' › ');
    const last = out.at(-1);
    if (key && last && last.key === key) last.clauses.push(clause);
    else
      out.push({
        key: key || clause.clauseId,
        title: key || (clause.heading === clause.label ? clause.label : `${clause.label} ${clause.heading}`),
        clauses: [clause],
      });
  }
  return out;
}

/** 浏览: the documents by section, and the plan's validity with the days left, prominently. */
export function browseScreen(ctx: ConsoleContext) {
  const banner = byId('browse-validity');
  const docList = byId('browse-docs');
  const nav = byId('browse-sections');
  const content = byId('browse-content');
  let selected: string | undefined;

  function renderBanner() {
    const primary = ctx.documents[0];
    if (!primary) return;
    const today = ctx.today();
    const v = validityText(primary.validity, today);
    render(
      banner,
      h(
        'div',
        { class: `validity-banner ${v.state}` },
        h(
          'div',
          { class: 'days' },
          v.daysLeft !== undefined && v.daysLeft >= 0
            ? [h('span', { class: 'n', id: 'days-left' }, String(v.daysLeft)), h('span', null, '天')]
            : h('span', { class: 'n small' }, v.state === 'expired' ? '已过期' : '—'),
        ),
        h(
          'div',
          { class: 'what' },
          h('div', { class: 'title' }, `《${primary.title}》`),
          h(
            'div',
            null,
            v.state === 'valid'
              ? `有效期 ${chineseDate(primary.validity.from)} 至 ${chineseDate(primary.validity.to!)}，今天是 ${chineseDate(today)}，距有效期结束还剩 ${v.daysLeft} 天。`
              : v.text,
          ),
          primary.applicationWindow
            ? h(
                'div',
                { class: 'muted' },
                `申报时间：${chineseDate(primary.applicationWindow.from)} 至 ${primary.applicationWindow.to ? chineseDate(primary.applicationWindow.to) : '另行通知'}；发文：${primary.issuer}${primary.issueDate ? `（${chineseDate(primary.issueDate)}）` : ''}`,
              )
            : null,
        ),
      ),
    );
  }

  function renderDocs() {
    render(
      docList,
      ctx.documents.map((d: Document) =>
        h(
          'li',
          null,
          h(
            'button',
            { type: 'button', class: `doc-button${d.docId === selected ? ' selected' : ''}`, onclick: () => void show(d.docId) },
            h('strong', null, d.shortTitle ?? d.title),
            h('span', { class: 'muted' }, `${d.jurisdiction} · ${d.clauses} 条`),
          ),
        ),
      ),
    );
  }

  async function show(docId: string) {
    selected = docId;
    renderDocs();
    const doc = ctx.documents.find((d) => d.docId === docId);
    render(content, h('p', { class: 'muted' }, '正在加载…'));
    try {
      const clauses = await ctx.documentClauses(docId);
      const list = groups(clauses);
      const v = doc ? validityText(doc.validity, ctx.today()) : undefined;
      render(
        nav,
        list.map((g, i) =>
          h(
            'li',
            null,
            h(
              'a',
              {
                href: `#sec-${i}`,
                title: g.title,
                onclick: (e: Event) => {
                  e.preventDefault();
                  byId(`sec-${i}`).scrollIntoView({ block: 'start' });
                },
              },
              g.title,
            ),
          ),
        ),
      );
      render(
        content,
        doc
          ? h(
              'header',
              { class: 'doc-header' },
              h('h2', null, doc.title),
              h(
                'div',
                { class: 'muted' },
                [doc.issuer, doc.issueDate ? chineseDate(doc.issueDate) : '', doc.jurisdiction].filter(Boolean).join(' · '),
              ),
              v ? h('div', { class: `validity ${v.state}` }, v.text) : null,
            )
          : null,
        list.map((g, i) =>
          h(
            'section',
            { class: 'doc-section', id: `sec-${i}` },
            g.clauses.length > 1 || g.clauses[0]!.path.length > 0 ? h('h3', null, g.title) : null,
            g.clauses.map((c) =>
              h(
                'article',
                { class: 'clause', 'data-clause': c.clauseId },
                h('header', null, h('span', { class: 'label' }, c.label), c.heading !== c.label ? h('strong', null, c.heading) : null),
                h('p', { class: 'clause-text' }, c.text),
                c.responsibleUnits.length > 0 ? h('div', { class: 'units muted' }, `责任单位：${c.responsibleUnits.join('、')}`) : null,
              ),
            ),
          ),
        ),
      );
      content.scrollTop = 0;
    } catch (error) {
      render(content, h('p', { class: 'error', role: 'alert' }, error instanceof ApiError ? error.message : '加载失败'));
    }
  }

  return {
    load: () => {
      renderBanner();
      if (!selected && ctx.documents[0]) void show(ctx.documents[0].docId);
      else renderDocs();
    },
    focus: () => docList.querySelector<HTMLElement>('button')?.focus(),
  };
}
