import type { SearchHit } from '../../../knowledge/index/retriever.js';
import type { Clause } from '../../../knowledge/types.js';
import { clauseName, UPPER_BOUND_LINE, validitySentence } from '../compose/award-text.js';
import type { Reply, TurnContext } from './context.js';
import { citedClauses, validityClause } from './shared.js';

/** Sentences of a clause; the line of a section's title and the item's heading sentence are left to the label. */
export function sentencesOf(text: string): string[] {
  return (text.match(/[^。；！？\n]+[。；！？]?/g) ?? [text]).map((s) => s.trim()).filter((s) => s !== '' && !/^（责任单位/.test(s));
}

/** Characters the chosen sentences may take in a look-up answer (the label and title take the rest). */
const SENTENCE_BUDGET = 170;
const ENUMERATION_QUESTION = /哪些|哪几|有什么|有哪|包括|分哪|分为|什么样|which|what kinds/;
const COUNT_QUESTION = /多少家|多少名|多少个|几家|几名|目标/;

/**
 * The sentences of a clause that answer a question: scored by the question's terms and their synonyms
 * (rarer, longer terms weigh more), and by what the question asks for (an amount, a date, a list, a count);
 * at most two, in the clause's order, within the budget. A sentence too long for it is cut to its best
 * stretch of phrases.
 */
export function answeringSentences(ctx: TurnContext, clause: Clause, question: string): string[] {
  const all = sentencesOf(clause.text.replace(/（责任单位：[^）]*(?:〔[^〕]*〕[^）]*)*）/g, ''));
  const titled = (clause.kind === 'item' || clause.kind === 'section' || clause.kind === 'subsection') && all.length > 1;
  const sentences = titled ? all.slice(1) : all;
  if (sentences.length === 0) return all;
  const terms = ctx.knowledge.tokenizer.queryTerms(question).filter((t) => !t.term.startsWith('#') || t.term.length >= 3);
  const asks = ctx.reading.asks;
  const score = (text: string): number => {
    const own = new Set(ctx.knowledge.tokenizer.terms(text));
    // Each term by how rare it is in the base (中小企业 says little, 拒绝 a lot), bigrams at half weight.
    let total = 0;
    for (const t of terms) if (own.has(t.term)) total += t.weight * ctx.knowledge.idf(t.term) * (t.term.startsWith('#') ? 0.5 : 1);
    if (asks.amount && /\d+\s?(?:万|元|%)|百分之/.test(text)) total += 2;
    if (asks.when && /\d{4}年|有效期|施行|实施/.test(text)) total += 4;
    if (ENUMERATION_QUESTION.test(question) && (text.match(/、/g) ?? []).length >= 2) total += 3;
    if (COUNT_QUESTION.test(question) && /\d+\s?(?:家|名|个)/.test(text)) total += 3;
    return total;
  };
  const scored = sentences.map((sentence, index) => ({ sentence, index, score: score(sentence) }));
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.index - b.index);
  // Nothing in the question picks a sentence ("第19条讲什么"): the one stating the clause's figures, else its first.
  let picked = ranked[0]!.score < 3 ? [scored.find((s) => /\d+\s?(?:万|元|%|家|名)|百分之/.test(s.sentence)) ?? scored[0]!] : [ranked[0]!];
  const second = ranked.find((r) => r !== picked[0]);
  if (
    second &&
    second.score >= Math.max(3, picked[0]!.score * 0.6) &&
    picked[0]!.sentence.length + second.sentence.length <= SENTENCE_BUDGET
  ) {
    picked = [...picked, second];
  }
  return picked
    .sort((a, b) => a.index - b.index)
    .map((p) => (p.sentence.length > SENTENCE_BUDGET ? bestStretch(p.sentence, score) : p.sentence));
}

/** The run of a long sentence's phrases that scores best within the budget, marked where it was cut. */
function bestStretch(sentence: string, score: (text: string) => number): string {
  const phrases = sentence.match(/[^，,]+[，,]?/g) ?? [sentence];
  let best = { start: 0, end: 0, score: -1 };
  for (let i = 0; i < phrases.length; i++) {
    let length = 0;
    for (let j = i; j < phrases.length; j++) {
      length += phrases[j]!.length;
      if (length > SENTENCE_BUDGET) break;
      const s = score(phrases.slice(i, j + 1).join(''));
      if (s > best.score || (s === best.score && j - i > best.end - best.start)) best = { start: i, end: j + 1, score: s };
    }
  }
  const text = phrases
    .slice(best.start, best.end)
    .join('')
    .replace(/[，,]$/, '');
  return `${best.start > 0 ? '…' : ''}${text}${best.end < phrases.length ? '…' : ''}`;
}

/**
 * A look-up: the clause the question names or retrieval finds, answered with the sentences that answer
 * it and the clause's label; who is responsible and until when it runs when that is what is asked.
 */
/**
 * Answers from the clause that best covers the question. `hedged`: the clause matched the question's
 * meaning only weakly, so the answer says it is the closest clause rather than a direct answer.
 */
export async function lookup(
  ctx: TurnContext,
  options: { text?: string; topicClauses?: boolean; hedged?: boolean; clauses?: readonly string[] } = {},
): Promise<Reply> {
  const text = options.text ?? (ctx.reading.text || ctx.reading.injected.join('，'));
  const found = ctx.search(text, { preferAmounts: ctx.reading.asks.amount && !ctx.reading.asks.limit });
  const hits: SearchHit[] = Array.isArray(found) ? found : await found;
  const referenced = hits.filter((h) => h.matchedBy.reference);
  // A procedural question about a named award (谁负责、什么时候) is answered from the award's own clause.
  // "依据是哪条" after an answer: the clauses that answer cited, else those of the awards named.
  const previous = (options.clauses ?? [])
    .map((key) => {
      const at = key.indexOf(':');
      return ctx.knowledge.getClause(key.slice(0, at), key.slice(at + 1));
    })
    .filter((c): c is Clause => c !== undefined);
  const topicClauses =
    previous.length > 0
      ? previous
      : options.topicClauses
        ? citedClauses(
            ctx,
            ctx.topics.flatMap((t) => t.ruleSet.rules.filter((r) => t.topic.rules.includes(r.id)).map((r) => r.citation)),
          )
        : [];
  const chosen: Clause[] =
    topicClauses.length > 0
      ? topicClauses.slice(0, 2)
      : referenced.length > 0
        ? referenced.slice(0, 2).map((h) => h.clause)
        : hits.slice(0, 1).map((h) => h.clause);
  const retrieved = hits.map((h) => `${h.clause.docId}:${h.clause.id}`);
  if (chosen.length === 0) return outOfScopeNoClause(ctx, retrieved);

  const first = chosen[0]!;
  const meta = ctx.knowledge.getDocument(first.docId);
  if (ctx.reading.asks.validity && !chosen.some((c) => c.kind === 'closing')) {
    const validity = validityClause(ctx, ctx.reading.documentsNamed[0] ?? first.docId);
    if (validity && (validity.docId === first.docId || ctx.reading.documentsNamed.length > 0)) chosen.unshift(validity);
  }
  const main = chosen[0]!;
  const mainMeta = ctx.knowledge.getDocument(main.docId);
  const sentences = answeringSentences(ctx, main, text);
  const docName = mainMeta?.shortTitle ?? mainMeta?.title ?? main.docId;
  const title =
    main.kind === 'item' || main.kind === 'section' || main.kind === 'subsection'
      ? `“${main.heading.replace(/^[一二三四五六七八九十]+、/, '')}”`
      : '';
  // Who is responsible is answered by the clause's list of units, in full; anything else by its sentences.
  const lines =
    ctx.reading.asks.who && main.responsibleUnits.length > 0
      ? [`《${docName}》${clauseName(main)}${title}的责任单位：${main.responsibleUnits.join('、')}。`]
      : [`《${docName}》${clauseName(main)}${title}：${sentences.join('')}`];
  const validity =
    mainMeta?.validity.to && (ctx.reading.asks.validity || ctx.asOf > mainMeta.validity.to)
      ? validitySentence(mainMeta, ctx.asOf)
      : undefined;
  if (validity) lines.push(validity);
  // Who issued the document and when: its own record, named first.
  const issuedOf = ctx.lang.askIssued.test(text) ? ctx.knowledge.getDocument(ctx.reading.documentsNamed[0] ?? main.docId) : undefined;
  if (issuedOf)
    lines.splice(0, lines.length, issuedSentence(issuedOf), ...(issuedOf.validity.to ? [validitySentence(issuedOf, ctx.asOf) ?? ''] : []));
  // A question after a kind of thing the clause does not have (认定标准、申报流程、要交的材料) is answered as the
  // closest clause, said so: a clause that merely names the status is no list of its criteria.
  const missingFocus = ctx.lang.askFocus.some((group) => group.asked.test(text) && !group.answered.test(main.text));
  const hedged = (options.hedged === true || missingFocus) && referenced.length === 0 && topicClauses.length === 0;
  if (hedged) {
    lines.unshift('政策中没有直接回答这个问题的条款，最接近的是：');
    lines.push(`如果这不是您要问的，请换个说法再问，或拨打热线${ctx.hotline}。`);
  }

  const details: string[] = [];
  for (const clause of chosen) {
    const m = ctx.knowledge.getDocument(clause.docId);
    details.push(`《${m?.title ?? clause.docId}》${clauseName(clause)}“${clause.heading}”，原文见引用。`);
    if (clause.responsibleUnits.length) details.push(`责任单位：${clause.responsibleUnits.join('、')}`);
  }
  const metaValidity = meta ? validitySentence(meta, ctx.asOf) : undefined;
  if (metaValidity) details.push(metaValidity);
  if (chosen.some((c) => c.amountsYuan.length > 0)) details.push(UPPER_BOUND_LINE);
  if (ctx.reading.injected.length > 0) lines.push('您消息中要求更改规则或金额的内容未被采纳。');
  return {
    kind: 'lookup',
    intent: referenced.length > 0 ? 'lookup:reference' : hedged ? 'lookup:closest' : 'lookup',
    answer: lines.join(''),
    details: details.join('\n'),
    citations: chosen.slice(0, 3),
    calculations: [],
    retrieved,
  };
}

/** 《title》由 issuer 于 date 发布. */
function issuedSentence(meta: { title: string; issuer: string; issueDate?: string }): string {
  const date = meta.issueDate
    ? `于${meta.issueDate.replace(/^(\d{4})-(\d{2})-(\d{2})$/, (_, y: string, m: string, d: string) => `${y}年${Number(m)}月${Number(d)}日`)}`
    : '';
  return `《${meta.title}》由${meta.issuer}${date}发布。`;
}

/** Nothing in the knowledge base answers it. */
export function outOfScopeNoClause(ctx: TurnContext, retrieved: string[] = []): Reply {
  return {
    kind: 'out_of_scope',
    intent: 'out_of_scope:no-clause',
    answer: `抱歉，我在本知识库的政策文件中没有找到能回答这个问题的条款。如需人工咨询，请拨打 ${ctx.hotline}。`,
    details: capabilities(ctx),
    citations: [],
    calculations: [],
    retrieved,
  };
}

/** What the advisor can do, from the base itself: its awards and its documents. */
export function capabilities(ctx: TurnContext): string {
  const awards = [...new Set(ctx.terms.topics.map((t) => t.topic.title))];
  const docs = ctx.knowledge.documents.map((d) => `《${d.meta.shortTitle ?? d.meta.title}》`);
  return `我可以帮您：测算${awards.join('、')}；查询${docs.join('、')}的条款原文、责任单位和有效期。`;
}
