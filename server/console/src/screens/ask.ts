/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiError } from '../api.js';
import { byId, copyText, h, render, toast } from '../dom.js';
import { callerMessage, detailBlocks, readAloudLines, type DetailBlock } from '../answer-text.js';
import { KIND_LABELS, yuan } from '../format.js';
import type { ConsoleContext } from '../main.js';
import type { Answer } from '../types.js';

const STATUS: Record<string, [string, string]> = {
  eligible: ['可申请', 'ok'],
  ineligible: ['不符合', 'muted'],
  'needs-facts': ['待补充信息', 'warn'],
  expired: ['方案已过期', 'bad'],
};

/**
 * 问答: a question box; the short answer first, as sentences to read aloud; the details (amounts with their
 * formulas, conditions checked, facts used, validity) folded under it; the cited clauses in full beside it.
 */
export function askScreen(ctx: ConsoleContext) {
  const form = byId<HTMLFormElement>('ask-form');
  const input = byId<HTMLTextAreaElement>('ask-input');
  const status = byId('ask-status');
  const result = byId('ask-result');
  const citations = byId('ask-citations');
  const history = byId('ask-history');
  let sessionId = newSessionId();
  let current: Answer | undefined;
  let busy = false;
  const asked: { question: string; answer: Answer }[] = [];

  function newSessionId(): string {
    return `console-${crypto.randomUUID()}`;
  }

  function showWelcome() {
    render(
      result,
      h(
        'div',
        { class: 'card empty' },
        h('p', null, '输入来电者的问题，按 Enter 发送。可连续追问（同一来电内记住已说明的情况）。'),
        // The base's own sample questions (its manifest), once the policy list has loaded.
        ...(ctx.base && ctx.base.examples.length > 0
          ? [
              h('p', { class: 'muted' }, '试试：'),
              h(
                'div',
                { class: 'chips' },
                ctx.base.examples.map((q) => h('button', { type: 'button', class: 'chip', onclick: () => ask(q) }, q)),
              ),
            ]
          : []),
      ),
    );
    render(citations, h('p', { class: 'muted' }, '答复引用的条款原文会显示在这里。'));
  }

  async function ask(question: string) {
    const text = question.trim();
    if (!text || busy) return;
    busy = true;
    input.value = text;
    status.textContent = '正在查询…';
    form.classList.add('busy');
    try {
      const answer = await api<Answer>('POST', '/v1/ask', { question: text, sessionId, channel: 'console' });
      asked.push({ question: text, answer });
      show(answer, text);
      renderHistory();
      input.value = '';
      status.textContent = `已答复（${KIND_LABELS[answer.kind] ?? answer.kind}）`;
    } catch (error) {
      status.textContent = '';
      render(result, h('div', { class: 'card error', role: 'alert' }, error instanceof ApiError ? error.message : '查询失败，请重试'));
    } finally {
      busy = false;
      form.classList.remove('busy');
      input.focus();
    }
  }

  function show(answer: Answer, question: string) {
    current = answer;
    render(
      result,
      h(
        'div',
        { class: 'card answer', id: 'answer-card' },
        h(
          'div',
          { class: 'answer-head' },
          h('span', { class: `badge kind-${answer.kind}` }, KIND_LABELS[answer.kind] ?? answer.kind),
          h('span', { class: 'question-echo', title: question }, question),
          h('span', { class: 'spacer' }),
          h('button', { type: 'button', id: 'copy-answer', onclick: () => copyAnswer() }, '复制答复 ', h('kbd', null, 'Alt+C')),
          h(
            'button',
            { type: 'button', id: 'copy-message', onclick: () => copyMessage() },
            '复制答复和条款编号（微信/短信） ',
            h('kbd', null, 'Alt+W'),
          ),
        ),
        h('h3', null, '读给来电者'),
        h(
          'ol',
          { class: 'read-aloud', id: 'read-aloud' },
          readAloudLines(answer.answer).map((s) => h('li', null, s)),
        ),
        answer.followUp && answer.followUp.length > 0
          ? h(
              'div',
              { class: 'follow-up' },
              h('h3', null, '请向来电者询问'),
              h(
                'ul',
                null,
                answer.followUp.map((q) => h('li', null, q)),
              ),
            )
          : null,
        details(answer),
        answer.answerId ? feedback(answer.answerId) : null,
      ),
    );
    render(
      citations,
      answer.citations.length === 0
        ? h('p', { class: 'muted' }, '本答复没有引用条款。')
        : answer.citations.map((c) =>
            h(
              'article',
              { class: 'clause cited' },
              h('header', null, h('span', { class: 'label' }, c.label), h('span', { class: 'doc' }, `《${c.title}》`)),
              h('p', { class: 'clause-text' }, c.quote),
              h(
                'button',
                { type: 'button', class: 'link', onclick: () => ctx.openClause(c.docId, c.clauseId) },
                '查看所在章节和相邻条款 →',
              ),
            ),
          ),
    );
  }

  /** Everything behind the short answer, one click away: the amounts with their formulas, then `details`. */
  function details(answer: Answer) {
    const blocks = detailBlocks(answer.details);
    if (blocks.length === 0 && answer.calculations.length === 0) return null;
    return h(
      'details',
      { class: 'answer-details', id: 'answer-details' },
      h('summary', null, '详情：算式、条件核对、所用情况、有效期（来电者追问时再读）'),
      answer.calculations.length > 0 ? amounts(answer) : null,
      blocks.length > 0 ? h('div', { class: 'details-text', id: 'details-text' }, blocks.map(detailBlock)) : null,
    );
  }

  function detailBlock(block: DetailBlock) {
    switch (block.type) {
      case 'heading':
        return h('p', { class: 'details-heading' }, h('b', null, block.text), block.rest ? ` ${block.rest}` : null);
      case 'checks':
        return h(
          'div',
          null,
          h('b', null, `${block.label}：`),
          h(
            'ul',
            { class: 'checks' },
            block.items.map((c) =>
              h(
                'li',
                { class: c.met === true ? 'met' : c.met === false ? 'unmet' : 'open' },
                c.met === true ? '✓ ' : c.met === false ? '✗ ' : '？ ',
                c.text,
              ),
            ),
          ),
        );
      case 'list':
        return h(
          'div',
          null,
          block.label ? h('b', null, `${block.label}：`) : null,
          h(
            'ul',
            null,
            block.items.map((item) => h('li', null, item)),
          ),
        );
      case 'line':
        return h('p', null, block.label ? h('b', null, `${block.label}：`) : null, block.text);
    }
  }

  function amounts(answer: Answer) {
    const calculations = answer.calculations;
    return h(
      'div',
      { class: 'amounts', id: 'answer-amounts' },
      h(
        'table',
        { class: 'table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', null, '奖补项目'),
            h('th', null, '结果'),
            h('th', { class: 'num' }, '金额上限'),
            h('th', null, '算式'),
            h('th', null, '依据'),
          ),
        ),
        h(
          'tbody',
          null,
          calculations.map((c) => {
            const [label, tone] = STATUS[c.status] ?? [c.status, 'muted'];
            const cited = answer.citations.find((x) => x.docId === c.citation.docId && x.clauseId === c.citation.clauseId);
            return h(
              'tr',
              null,
              h('td', null, c.title),
              h('td', null, h('span', { class: `badge ${tone}` }, label)),
              h('td', { class: 'num amount' }, c.eligible ? yuan(c.amountYuan) : '—'),
              h('td', { class: 'formula' }, c.formula),
              h(
                'td',
                null,
                h(
                  'button',
                  { type: 'button', class: 'link', onclick: () => ctx.openClause(c.citation.docId, c.citation.clauseId) },
                  cited?.label ?? c.citation.clauseId,
                ),
              ),
            );
          }),
          answer.totalYuan !== undefined && calculations.filter((c) => c.eligible).length > 1
            ? h(
                'tr',
                { class: 'total' },
                h('td', { colspan: 2 }, '合计（可叠加部分）'),
                h('td', { class: 'num amount' }, yuan(answer.totalYuan)),
                h('td', { colspan: 2 }, ''),
              )
            : null,
        ),
      ),
      calculations.some((c) => c.reasons.length > 0)
        ? h(
            'ul',
            { class: 'reasons' },
            calculations.flatMap((c) => c.reasons.map((r) => h('li', null, `${c.title}：${r}`))),
          )
        : null,
    );
  }

  function feedback(answerId: string) {
    const box = h('div', { class: 'feedback' });
    const send = async (helpful: boolean, comment?: string) => {
      try {
        await api('POST', '/v1/feedback', { answerId, helpful, ...(comment ? { comment } : {}) });
        render(box, h('span', { class: 'muted' }, helpful ? '已记录：有用。' : '已记录：没用，意见会出现在“洞察”。'));
      } catch (error) {
        toast(error instanceof ApiError ? error.message : '反馈失败', 'error');
      }
    };
    const comment = h('input', { type: 'text', class: 'comment', maxlength: 1000, placeholder: '哪里不对？（可选，回车提交）' });
    comment.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        void send(false, comment.value.trim());
      }
    });
    render(
      box,
      h('span', { class: 'muted' }, '这条答复：'),
      h('button', { type: 'button', class: 'small', onclick: () => send(true) }, '有用'),
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          onclick: () => {
            render(
              box,
              h('span', { class: 'muted' }, '没用：'),
              comment,
              h('button', { type: 'button', class: 'small', onclick: () => send(false, comment.value.trim()) }, '提交'),
            );
            comment.focus();
          },
        },
        '没用…',
      ),
    );
    return box;
  }

  function renderHistory() {
    render(
      history,
      asked.length === 0
        ? h('li', { class: 'muted' }, '本次来电还没有提问。')
        : asked
            .map((item, i) =>
              h(
                'li',
                null,
                h(
                  'button',
                  { type: 'button', class: 'link', onclick: () => show(item.answer, item.question) },
                  `${i + 1}. ${item.question}`,
                ),
              ),
            )
            .reverse(),
    );
  }

  async function copyAnswer() {
    if (!current) return toast('还没有答复可复制', 'error');
    toast((await copyText(current.answer)) ? '已复制答复' : '复制失败，请手动选择文字复制', 'ok');
  }

  async function copyMessage() {
    if (!current) return toast('还没有答复可复制', 'error');
    toast(
      (await copyText(callerMessage(current, ctx.base))) ? '已复制答复和条款编号，可粘贴到微信或短信' : '复制失败，请手动选择文字复制',
      'ok',
    );
  }

  function newCall() {
    sessionId = newSessionId();
    current = undefined;
    asked.length = 0;
    input.value = '';
    status.textContent = '新来电：已清空上一通电话的情况';
    renderHistory();
    showWelcome();
    input.focus();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void ask(input.value);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void ask(input.value);
    }
  });
  byId('ask-new').addEventListener('click', newCall);
  showWelcome();
  renderHistory();

  return {
    /** Shows the base's sample questions once they are known, unless a call is under way. */
    load: () => {
      if (!current && asked.length === 0) showWelcome();
    },
    focus: () => input.focus(),
    shortcuts: { c: copyAnswer, w: copyMessage, n: newCall } as Record<string, () => unknown>,
  };
}
