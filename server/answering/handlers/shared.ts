import type { Citation, FactDeclaration, Rule } from '../../../knowledge/rules/rules-schema.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import type { Clause } from '../../../knowledge/types.js';
import type { RuleResult } from '../../calculator/engine.js';
import { displayFactValue } from '../../calculator/facts.js';
import type { KnownFact, TurnContext } from './context.js';

/** The question for a missing fact, kept short for the first lines of an answer. */
export function askFor(decl: FactDeclaration): string {
  if (decl.type === 'enum' && decl.options) {
    const options = decl.options.filter((o) => o.value !== 'none').map((o) => o.label);
    return `${decl.label}（${options.join(' / ')}）？`;
  }
  if (decl.type === 'boolean') return `${decl.label.replace(/^是否/, '是否')}？`;
  return decl.question.length <= 40 ? decl.question : `${decl.label}是多少？`;
}

/** The clauses behind a set of citations, each once, in order. */
export function citedClauses(ctx: TurnContext, citations: readonly Citation[]): Clause[] {
  const out = new Map<string, Clause>();
  for (const c of citations) {
    const clause = ctx.knowledge.getClause(c.docId, c.clauseId);
    if (clause) out.set(`${clause.docId}:${clause.id}`, clause);
  }
  return [...out.values()];
}

const HOW: Record<KnownFact['how'], string> = {
  stated: '您说',
  reply: '您回答',
  earlier: '您此前说',
  hypothetical: '您假设',
  default: '默认',
};

/** Each fact the results read, with its value and the words it came from (or the assumption made). */
export function factsUsedLines(ctx: TurnContext, facts: ReadonlyMap<string, KnownFact>, results: readonly RuleResult[]): string[] {
  const read = new Set(results.flatMap((r) => r.conditions.map((c) => c.factId)));
  for (const r of results) for (const id of r.missingFacts) read.add(id);
  const lines: string[] = [];
  for (const id of ctx.terms.factOrder) {
    const fact = facts.get(id);
    if (!fact || (results.length > 0 && !read.has(id) && !results.some((r) => r.formula.includes(String(fact.value))))) continue;
    const decl = ctx.decls.get(id);
    if (!decl) continue;
    const shown = displayFactValue(decl, fact.value, formatYuan);
    lines.push(`· ${decl.label}：${shown}（${HOW[fact.how]}${fact.how === 'default' ? `：${fact.said}` : `“${fact.said}”`}）`);
  }
  return lines.length > 0 ? ['所用情况：', ...lines] : [];
}

/** The clause of a document that states its validity (有效期…), to cite when it has expired. */
export function validityClause(ctx: TurnContext, docId: string): Clause | undefined {
  const doc = ctx.knowledge.documents.find((d) => d.meta.id === docId);
  return doc?.clauses.find((c) => c.kind === 'closing') ?? doc?.clauses.find((c) => /有效期|施行|实施/.test(c.text) && /年/.test(c.text));
}

/**
 * A figure or rate the user heard or assumes that the policy does not state: corrected with the clause's
 * own, never repeated as the policy's. Undefined when nothing needs correcting.
 */
export function claimCorrection(ctx: TurnContext, policyAmounts: readonly number[], rules: readonly Rule[]): string | undefined {
  const known = new Set(policyAmounts);
  const wrongAmounts = ctx.reading.amountClaims.filter((c) => !known.has(c.yuan));
  const percents = new Set(rules.flatMap((r) => (r.amount.kind === 'percentOf' ? [r.amount.percent] : [])));
  const wrongPercents = percents.size > 0 ? ctx.reading.percentClaims.filter((p) => !percents.has(p)) : [];
  if (wrongAmounts.length === 0 && wrongPercents.length === 0) return undefined;
  // The heard figure is not repeated: an answer states only the policy's own.
  const rate = wrongPercents.length > 0 ? `比例是${[...percents].map((p) => `${p}%`).join('、')}，` : '';
  // Heard from someone (听说、群里说) or worked out by the user (按10%是…): said in those words.
  const whose = ctx.reading.hearsay ? '您听到的说法' : '您说的数字';
  return `按政策原文，${rate}${whose}与原文不符。`;
}
