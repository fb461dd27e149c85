/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiError } from '../api.js';
import { byId, copyText, h, highlight, highlightTerms, render, snippet, toast } from '../dom.js';
import { validityText, wan } from '../format.js';
import type { ConsoleContext } from '../main.js';
import type { Clause, ClauseResponse, Hit } from '../types.js';

/** 检索: live clause search while typing; a hit opens in its section with its neighbours, units and validity. */
export function searchScreen(ctx: ConsoleContext) {
  const input = byId<HTMLInputElement>('search-input');
  const meta = byId('search-meta');
  const list = byId('search-hits');
  const detail = byId('search-detail');
  let hits: Hit[] = [];
  let selected = -1;
  let terms: string[] = [];
  let timer: number | undefined;
  let inflight: AbortController | undefined;
  let opened: { docId: string; clauseId: string } | undefined;

  function placeholder() {
    render(
      detail,
      h(
        'div',
        { class: 'card empty' },
        h(
          'p',
          null,
          ctx.base && ctx.base.searchTerms.length > 0
            ? `输入关键词即时检索条款，例如：${ctx.base.searchTerms.join('、')}。`
            : '输入关键词或条款编号即时检索条款。',
        ),
        h('p', { class: 'muted' }, '↑ ↓ 选择结果，Enter 打开；Esc 清空。'),
      ),
    );
  }

  async function search(query: string) {
    inflight?.abort();
    const q = query.trim();
    if (!q) {
      hits = [];
      renderHits();
      meta.textContent = '';
      return;
    }
    const controller = new AbortController();
    inflight = controller;
    meta.textContent = '检索中…';
    try {
      const body = await api<{ query: string; hits: Hit[] }>(
        'GET',
        `/v1/search?${new URLSearchParams({ q: q.slice(0, 200), k: '10' })}`,
        undefined,
        controller.signal,
      );
      if (controller.signal.aborted) return;
      terms = highlightTerms(q);
      hits = body.hits;
      selected = hits.length > 0 ? 0 : -1;
      meta.textContent = hits.length > 0 ? `找到 ${hits.length} 条相关条款` : '没有找到相关条款，换个说法试试';
      renderHits();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      meta.textContent = error instanceof ApiError ? error.message : '检索失败';
    }
  }

  function renderHits() {
    render(
      list,
      hits.map((hit, i) =>
        h(
          'li',
          {
            role: 'option',
            'aria-selected': String(i === selected),
            class: `hit${i === selected ? ' selected' : ''}${opened?.clauseId === hit.clauseId && opened.docId === hit.docId ? ' opened' : ''}`,
            'data-clause': hit.clauseId,
            onclick: () => {
              selected = i;
              void open(hit.docId, hit.clauseId);
            },
          },
          h(
            'div',
            { class: 'hit-head' },
            h('span', { class: 'label' }, hit.label),
            h('span', { class: 'heading' }, highlight(hit.heading, terms)),
          ),
          h('div', { class: 'hit-path muted' }, [shortTitle(hit.title), ...hit.path].join(' › ')),
          h('p', { class: 'hit-text' }, highlight(snippet(hit.text, terms), terms)),
        ),
      ),
    );
    list.querySelector('.selected')?.scrollIntoView({ block: 'nearest' });
  }

  function shortTitle(title: string): string {
    return ctx.documents.find((d) => d.title === title)?.shortTitle ?? title;
  }

  async function open(docId: string, clauseId: string) {
    opened = { docId, clauseId };
    renderHits();
    render(detail, h('div', { class: 'card muted' }, '正在打开条款…'));
    try {
      const [body, index] = await Promise.all([
        api<ClauseResponse>('GET', `/v1/policies/${encodeURIComponent(docId)}/clauses/${encodeURIComponent(clauseId)}`),
        ctx.clauseIndex(docId),
      ]);
      if (opened?.docId !== docId || opened.clauseId !== clauseId) return;
      showClause(body, index);
    } catch (error) {
      render(detail, h('div', { class: 'card error', role: 'alert' }, error instanceof ApiError ? error.message : '打开条款失败'));
    }
  }

  function showClause({ clause, neighbours, document: doc }: ClauseResponse, index: Map<string, number>) {
    // Neighbours are the clauses around it in document order; the document's order tells before from after.
    const at = (c: Clause) => index.get(c.clauseId) ?? 0;
    const before = neighbours.filter((n) => at(n) < at(clause));
    const after = neighbours.filter((n) => at(n) > at(clause));
    const validity = validityText(doc.validity, ctx.today());
    render(
      detail,
      h(
        'div',
        { class: 'card clause-detail', id: 'clause-detail' },
        h('div', { class: 'doc-title' }, `《${doc.title}》`),
        h('div', { class: `validity ${validity.state}` }, validity.text),
        h('div', { class: 'breadcrumb' }, clause.path.length > 0 ? clause.path.join(' › ') : '（正文）'),
        before.map((n) => neighbour(n, '上一条')),
        h(
          'article',
          { class: 'clause current', 'data-clause': clause.clauseId },
          h(
            'header',
            null,
            h('span', { class: 'label' }, clause.label),
            h('strong', null, clause.heading),
            h('span', { class: 'spacer' }),
            h(
              'button',
              {
                type: 'button',
                class: 'small',
                onclick: async () =>
                  toast((await copyText(`${clause.label}（《${doc.title}》）：${clause.text}`)) ? '已复制条款原文' : '复制失败', 'ok'),
              },
              '复制原文',
            ),
          ),
          h('p', { class: 'clause-text' }, highlight(clause.text, terms)),
          clause.responsibleUnits.length > 0
            ? h(
                'div',
                { class: 'units' },
                h('span', { class: 'muted' }, '责任单位：'),
                clause.responsibleUnits.map((u) => h('span', { class: 'chip static' }, u)),
              )
            : null,
          clause.amountsYuan.length > 0
            ? h(
                'div',
                { class: 'units' },
                h('span', { class: 'muted' }, '条文中的金额：'),
                clause.amountsYuan.map((a) => h('span', { class: 'chip static' }, wan(a))),
              )
            : null,
        ),
        after.map((n) => neighbour(n, '下一条')),
      ),
    );
  }

  function neighbour(n: Clause, role: string) {
    return h(
      'article',
      { class: 'clause neighbour', onclick: () => void open(n.docId, n.clauseId) },
      h('header', null, h('span', { class: 'muted' }, role), h('span', { class: 'label' }, n.label), h('strong', null, n.heading)),
      h('p', { class: 'clause-text' }, n.text),
    );
  }

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void search(input.value), 150);
  };
  // With a Chinese input method, wait for the characters: not the pinyin letters being composed.
  input.addEventListener('input', (e) => {
    if (!(e as InputEvent).isComposing) schedule();
  });
  input.addEventListener('compositionend', schedule);
  input.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (hits.length === 0) return;
      selected = (selected + (e.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length;
      renderHits();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = hits[selected];
      if (hit) void open(hit.docId, hit.clauseId);
    } else if (e.key === 'Escape') {
      input.value = '';
      void search('');
    }
  });
  placeholder();

  return {
    /** Shows the base's sample search terms once they are known, unless a search is under way. */
    load: () => {
      if (input.value.trim() === '' && !opened) placeholder();
    },
    focus: () => {
      input.focus();
      input.select();
    },
    open: (docId: string, clauseId: string) => open(docId, clauseId),
  };
}
