import { v7 as timeOrderedUuid } from 'uuid';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { SearchHit } from '../../knowledge/index/retriever.js';
import type { Clause } from '../../knowledge/types.js';
import type { RuleResult } from '../calculator/engine.js';
import type { FactValue } from '../calculator/facts.js';
import { systemClock, type Clock } from '../clock.js';
import type { AnswerBody, CalculationBody, CitationBody } from '../schemas.js';
import { emptySession, type Session, type SessionStore } from '../sessions/session-store.js';
import { createMemo, type MemoStats } from './analysis-cache.js';
import { amountsSaid } from './analyse/money-roles.js';
import { factsOfRule } from '../../knowledge/rules/rule-facts.js';
import { declarationsOf } from './compose/award-text.js';
import { checkAnswerForm, guardReply, type GuardViolation } from './guard.js';
import { awardInfo, whichTopic } from './handlers/award-info.js';
import { calculate } from './handlers/calculate.js';
import type { KnownFact, Reply, TurnContext } from './handlers/context.js';
import { lookup, outOfScopeNoClause } from './handlers/lookup.js';
import { overview } from './handlers/overview.js';
import { factsNoted, outOfScope, smalltalk } from './handlers/scope.js';
import { decideIntent, type Intent } from './intent.js';
import type { CompiledTopic } from './understand/base-terms.js';
import { readingContextOf } from './understand/reading-context.js';
import { readText, readTurn, statedAmounts, type ReadingContext, type TextReading } from './understand/understand.js';
import { vatRate } from './understand/read-facts.js';

/** What the advisor needs from a model, when one is configured: phrasing only, never amounts. */
export interface ModelComposer {
  readonly model: string;
  compose(input: ModelComposeInput): Promise<string>;
}

export interface ModelComposeInput {
  question: string;
  history: string[];
  kind: AnswerBody['kind'];
  embeddedAnswer: string;
  citations: CitationBody[];
  calculations: CalculationBody[];
  facts: Record<string, FactValue>;
  asOf: string;
  signal: AbortSignal;
}

export interface AskInput {
  question: string;
  sessionId?: string;
  channel?: string;
  asOf?: string;
  /**
   * Earlier user turns when the caller keeps the conversation itself (chat completions), each with the
   * fact the assistant had asked for before it, if any.
   */
  history?: { question: string; pending?: string }[];
  /** With `history`: the fact the assistant's last message asked for. */
  pending?: string;
}

/** The public answer plus what the service logs and counts. */
export interface AdvisorAnswer extends AnswerBody {
  meta: {
    intent: string;
    composer: 'template' | 'model';
    injection: boolean;
    guardViolations: GuardViolation[];
    modelFailure?: string;
    retrieved: string[];
    statedAmountsYuan: number[];
    latencyMs: number;
  };
}

export interface AdvisorEvents {
  onModelFailure?: (reason: string) => void;
  onGuardViolation?: (violations: GuardViolation[], question: string, composer: 'template' | 'model') => void;
}

export interface Advisor {
  ask(input: AskInput): Promise<AdvisorAnswer>;
  resetSession(sessionId: string): Promise<void>;
  /** The fact a follow-up question asks for, recognised from its text (for callers that keep the history). */
  factAskedBy(text: string): string | undefined;
  /** Use of the memos of question analysis and retrieval (see `analysisCacheSize`). */
  cacheStats(): { questions: MemoStats; searches: MemoStats };
  /** How well retrieval's best clause accounts for a question (0–1), as the scope check uses it. */
  scopeEvidence(question: string): Promise<number>;
}

/** The handlers by intent; tests may replace one to prove the guard catches what a handler gets wrong. */
export type Handlers = {
  [K in Exclude<Intent['name'], 'scope-check'>]: (ctx: TurnContext, intent: Intent) => Reply | Promise<Reply>;
};

export interface AdvisorOptions {
  knowledge: KnowledgeBase;
  sessions: SessionStore;
  hotline: string;
  composer?: ModelComposer;
  modelTimeoutMs?: number;
  /** Where today's date comes from (China time); default: the system clock. */
  clock?: Clock;
  events?: AdvisorEvents;
  /**
   * How many questions (and as many searches) to keep analysed: normalised, read and retrieved.
   * Default 2,000; 0 analyses every question afresh.
   */
  analysisCacheSize?: number;
  /** Replaces handlers (tests only). */
  handlers?: Partial<Handlers>;
}

const DEFAULT_HANDLERS: Handlers = {
  smalltalk: (ctx) => smalltalk(ctx),
  refuse: (ctx) => outOfScope(ctx, 'refused'),
  'out-of-scope': (ctx, intent) => outOfScope(ctx, intent.name === 'out-of-scope' ? intent.reason : 'other-topic'),
  overview: (ctx) => overview(ctx),
  calculate: (ctx) => calculate(ctx),
  'award-info': (ctx) => awardInfo(ctx),
  'which-topic': (ctx) => whichTopic(ctx),
  lookup: (ctx, intent) =>
    lookup(
      ctx,
      intent.name === 'lookup'
        ? {
            topicClauses: intent.topicClauses === true,
            hedged: intent.hedged === true,
            ...(intent.clauses ? { clauses: intent.clauses } : {}),
          }
        : {},
    ),
  'facts-noted': (ctx) => factsNoted(ctx),
};

/**
 * The least support (see `scopeSupport`) for answering a question that nothing else ties to the base, and
 * the support above which the answer is given as a direct one; between the two the answer names the closest
 * clause and says so. Calibrated on in-scope look-ups and paraphrases against unrelated requests
 * (BENCHMARKS.md, scope calibration).
 */
export const SCOPE_MIN_EVIDENCE = 0.2;
export const SCOPE_SURE_EVIDENCE = 0.35;
/** The least support for a question that names the base's own place. */
export const SCOPE_MIN_EVIDENCE_HOME = 0.1;

/**
 * Creates the answering service, a pipeline of named stages: read the text (noise, clauses, figures, what
 * it asks) → read the turn in its conversation (facts, awards) → decide the intent → the intent's handler →
 * guard every amount → phrase with a model when configured → save the conversation.
 */
export function createAdvisor(options: AdvisorOptions): Advisor {
  const { knowledge, sessions, hotline } = options;
  const clock = options.clock ?? systemClock;
  const readingContext: ReadingContext = readingContextOf(knowledge);
  const { lang, terms } = readingContext;
  const decls = declarationsOf(knowledge.ruleSets);
  const handlers: Handlers = { ...DEFAULT_HANDLERS, ...options.handlers };
  const assistantName = knowledge.assistantName;

  // The facts only one topic's awards read (a recognition year, an investment), not those several share (a level).
  const topicFacts = new Map(
    terms.topics.map((t) => [t, new Set(t.topic.rules.flatMap((id) => [...factsOfRule(terms.rules.get(id)!.rule)]))]),
  );
  const ownFactsOf = (topic: CompiledTopic): string[] =>
    [...topicFacts.get(topic)!].filter((f) => terms.topics.every((o) => o === topic || !topicFacts.get(o)!.has(f)));

  const cacheSize = options.analysisCacheSize ?? 2000;
  const questionMemo = createMemo<TextReading>(cacheSize);
  const searchMemo = createMemo<SearchHit[]>(cacheSize);
  const analyse = (question: string): TextReading => questionMemo.get(question, () => readText(question, readingContext));
  const search = (text: string, opts: { preferAmounts: boolean }): SearchHit[] | Promise<SearchHit[]> => {
    const key = `${opts.preferAmounts ? 1 : 0}:${text}`;
    return (
      searchMemo.peek(key) ??
      searchMemo.getAsync(key, () => knowledge.retriever.search(text, { k: 3, preferClausesWithAmounts: opts.preferAmounts }))
    );
  };

  /**
   * How much of a question a clause accounts for: the informativeness (IDF) of the question's words and
   * their synonyms that the clause contains, over that of all the question's words. A word the base has
   * never seen counts as fully informative and unmatched: "明天天气怎么样" matches nothing.
   */
  const unseenIdf = Math.log(1 + knowledge.clauses.length);
  const evidence = (question: string, clause: Clause): number => {
    // Words only: bigrams repeat them, and digits or single characters say nothing about the topic.
    const terms = knowledge.tokenizer
      .queryTerms(question)
      .filter((t) => !t.term.startsWith('#') && /[\u4e00-\u9fff]{2,}|[a-z]{3,}/i.test(t.term));
    const own = new Set(knowledge.tokenizer.terms(`${clause.heading}${clause.text}`));
    let matched = 0;
    let total = 0;
    for (const t of terms) {
      const idf = knowledge.idf(t.term) || unseenIdf;
      if (t.weight === 1) total += idf;
      if (own.has(t.term)) matched += idf * t.weight;
    }
    return total === 0 ? 0 : matched / total;
  };

  /**
   * How well the best hit supports answering: the words it shares with the question (`evidence`), or the
   * retriever's confidence when it matched the question's meaning rather than its words (a paraphrase in
   * everyday words shares almost none with its clause).
   */
  const scopeSupport = (question: string, hit: SearchHit): number =>
    // Meaning needs words: a message of digits, markup or unknown Latin tokens ("alert(1)") has none to match.
    /[\u4e00-\u9fff]{2}/.test(question) ? Math.max(evidence(question, hit.clause), hit.confidence ?? 0) : evidence(question, hit.clause);

  const citationOf = (clause: Clause): CitationBody => ({
    docId: clause.docId,
    clauseId: clause.id,
    label: clause.label,
    title: knowledge.getDocument(clause.docId)?.title ?? clause.docId,
    quote: clause.text,
  });
  const calculationOf = (r: RuleResult): CalculationBody => ({
    ruleId: r.ruleId,
    title: r.title,
    eligible: r.eligible,
    amountYuan: r.amountYuan,
    formula: r.formula,
    citation: r.citation,
    assumptions: r.assumptions,
    status: r.status,
    reasons: r.reasons,
  });

  /** Money facts of the topics: a bare figure in a follow-up is one of them. */
  const moneyFactsOf = (topicIds: readonly string[]): string[] =>
    terms.topics
      .filter((t) => topicIds.includes(t.topic.id))
      .flatMap((t) => [...t.ownFacts].filter((id) => decls.get(id)?.type === 'money'));

  /** Reads one turn against the conversation: the facts for this question and what to remember. */
  function readConversation(reading: TextReading, session: Session, asOf: string) {
    const known = new Map<string, FactValue>(Object.entries(session.facts).map(([id, f]) => [id, f.value]));
    const correctable = terms.topics
      .filter((t) => session.topics.includes(t.topic.id))
      .flatMap((t) => [...t.ownFacts, ...t.topic.rules.flatMap((id) => [...factsOfRule(terms.rules.get(id)!.rule)])])
      .filter((id, i, all) => all.indexOf(id) === i && decls.get(id)?.type === 'enum' && known.has(id));
    const turn = readTurn(reading, readingContext, {
      asOf,
      pending: session.pending,
      contextFacts: moneyFactsOf(session.topics),
      conversationFacts: terms.topics
        .filter((t) => session.topics.includes(t.topic.id))
        .flatMap((t) => t.topic.rules.flatMap((id) => [...factsOfRule(terms.rules.get(id)!.rule)])),
      known,
      correctable,
    });
    const facts = new Map<string, KnownFact>(
      Object.entries(session.facts).map(([id, f]) => [id, { value: f.value, said: f.said, how: 'earlier' as const }]),
    );
    const persist = { ...session.facts };
    // A denied value is withdrawn ("其实我们还不是省级资质", "国家级是我搞错了"), and with it the year of that
    // status, which the user had said of a status they no longer claim.
    const withdrawn = new Set<string>();
    for (const d of turn.facts.denied) {
      if (facts.get(d.factId)?.value === d.value) {
        withdrawn.add(d.factId);
        facts.delete(d.factId);
        delete persist[d.factId];
      }
      for (const decl of decls.values()) {
        if (decl.about?.fact === d.factId && decl.about.value === d.value && !turn.facts.stated.some((s) => s.factId === decl.id)) {
          facts.delete(decl.id);
          delete persist[decl.id];
        }
      }
    }
    // The figure a fact held, now said to be on the wrong basis (565万是含税价): no longer usable as it stands.
    for (const issue of turn.facts.issues) {
      const held = facts.get(issue.factId);
      if (held?.value === issue.yuan) {
        facts.delete(issue.factId);
        delete persist[issue.factId];
      }
    }
    // Later statements win; of a ranked option list stated together, the highest.
    const newFacts = new Set<string>();
    const byFact = new Map<string, typeof turn.facts.stated>();
    for (const s of turn.facts.stated) byFact.set(s.factId, [...(byFact.get(s.factId) ?? []), s]);
    for (const [id, statements] of byFact) {
      const decl = decls.get(id);
      const corrected = reading.clauses.some((c) => c.correction);
      let chosen = statements.at(-1)!;
      if (decl?.ranked && !corrected && statements.length > 1) {
        const order = (decl.options ?? []).map((o) => o.value);
        chosen = statements.reduce((best, s) => (order.indexOf(String(s.value)) > order.indexOf(String(best.value)) ? s : best));
      }
      newFacts.add(id);
      facts.set(id, { value: chosen.value, said: chosen.said, how: chosen.hypothetical ? 'hypothetical' : chosen.how });
      if (!chosen.hypothetical) persist[id] = { value: chosen.value, said: chosen.said };
    }
    // A withdrawn fact stated again in the same message ("不是国家级，是省级") is a change, not a withdrawal.
    for (const id of newFacts) withdrawn.delete(id);
    return { turn, facts, persist, newFacts, withdrawn };
  }

  async function answerWithModel(
    answer: AdvisorAnswer,
    question: string,
    history: string[],
    facts: Record<string, FactValue>,
  ): Promise<AdvisorAnswer> {
    const composer = options.composer;
    if (!composer || answer.kind === 'smalltalk' || answer.kind === 'out_of_scope') return answer;
    const controller = new AbortController();
    const timeout = options.modelTimeoutMs ?? 8000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const text = await Promise.race([
        composer.compose({
          question,
          history,
          kind: answer.kind,
          embeddedAnswer: answer.answer,
          citations: answer.citations,
          calculations: answer.calculations,
          facts,
          asOf: answer.asOf,
          signal: controller.signal,
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`model timed out after ${timeout} ms`));
          }, timeout);
        }),
      ]);
      if (text.trim() === '') throw new Error('model returned an empty answer');
      // Amounts as for any answer; and the model keeps the form: as short as its kind allows, the figure first.
      const violations = [...guardReply(text, answer, answer.meta.statedAmountsYuan), ...checkAnswerForm(text, answer, answer.meta)];
      if (violations.length > 0) {
        options.events?.onGuardViolation?.(violations, question, 'model');
        return { ...answer, meta: { ...answer.meta, guardViolations: violations } };
      }
      return { ...answer, answer: text.trim(), meta: { ...answer.meta, composer: 'model' } };
    } catch (error) {
      const reason = (error as Error).message;
      options.events?.onModelFailure?.(reason);
      return { ...answer, meta: { ...answer.meta, modelFailure: reason } };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async resetSession(sessionId) {
      await sessions.delete(sessionId);
    },

    factAskedBy(text) {
      return terms.factOrder.find((id) => {
        const decl = decls.get(id);
        return decl !== undefined && (text.includes(decl.question) || text.includes(decl.label));
      });
    },

    cacheStats: () => ({ questions: questionMemo.stats(), searches: searchMemo.stats() }),

    async scopeEvidence(question) {
      const reading = analyse(question);
      const hits = await search(reading.text, { preferAmounts: false });
      return hits[0] ? scopeSupport(reading.text, hits[0]) : 0;
    },

    async ask(input) {
      const started = performance.now();
      const asOf = input.asOf ?? clock.today();
      let session: Session = (input.sessionId ? await sessions.get(input.sessionId) : undefined) ?? emptySession();
      // "税率是13%的" after the advisor asked for the after-tax figure of a tax-inclusive one: the rate completes
      // that figure, so the two are read together (价税合计1130万（含税），税率是13%的).
      const completesPreTax =
        session.preTax !== undefined && vatRate(input.question) !== undefined && statedAmounts(input.question, lang).length === 0;
      const reading = analyse(completesPreTax ? `${session.preTax!.said}（含税），${input.question}` : input.question);
      // A caller that keeps the history itself (chat completions) replays earlier turns for their facts.
      for (const earlier of input.history ?? []) {
        const replay = readConversation(
          analyse(earlier.question),
          { ...session, ...(earlier.pending ? { pending: earlier.pending } : {}) },
          asOf,
        );
        session = {
          ...session,
          facts: replay.persist,
          topics: replay.turn.topics.length ? replay.turn.topics.map((t) => t.topic.id) : session.topics,
        };
        delete session.pending;
      }
      if (input.pending) session.pending = input.pending;

      const { turn, facts, persist, newFacts, withdrawn } = readConversation(reading, session, asOf);
      const answeredPending = session.pending !== undefined && newFacts.has(session.pending);
      const topicsNamed = turn.topics.length > 0;
      const followUp =
        !topicsNamed &&
        session.topics.length > 0 &&
        reading.references.length === 0 &&
        (answeredPending ||
          newFacts.size > 0 ||
          withdrawn.size > 0 ||
          reading.asks.amount ||
          reading.asks.yesNo ||
          reading.hypothetical ||
          turn.facts.issues.length > 0);
      // A correction of a fact the conversation's awards read ("国家级是我搞错了，我们只是省级") changes every one
      // of them, not only the award its words name.
      const changed = new Set([...newFacts, ...turn.facts.denied.map((d) => d.factId)]);
      const correcting =
        topicsNamed &&
        reading.clauses.some((c) => c.correction) &&
        terms.topics.some(
          (t) =>
            session.topics.includes(t.topic.id) &&
            t.topic.rules.some((id) => [...factsOfRule(terms.rules.get(id)!.rule)].some((f) => changed.has(f))),
        );
      // "这两项一共能拿多少": a total asked of the conversation covers every award it has stated a fact of its own for
      // (新认定了省级 … 又买了设备), not only the award of the last answer.
      const askedTotal = followUp && reading.asks.amount && lang.total.test(reading.text);
      const topics: CompiledTopic[] = correcting
        ? terms.topics.filter((t) => session.topics.includes(t.topic.id) || turn.topics.includes(t))
        : topicsNamed
          ? turn.topics
          : followUp
            ? terms.topics.filter(
                (t) =>
                  session.topics.includes(t.topic.id) ||
                  (askedTotal && ownFactsOf(t).some((f) => facts.has(f) && facts.get(f)!.how !== 'default')),
              )
            : [];
      // Money the company says it received, for the one award this message is about (区里给了10万).
      const received = new Map(Object.entries(session.received ?? {}));
      const receivedNow = reading.money.filter((m) => m.role === 'received');
      if (receivedNow.length === 1 && turn.topics.length === 1) received.set(turn.topics[0]!.topic.id, receivedNow[0]!.yuan);
      const ctx: TurnContext = {
        knowledge,
        terms,
        decls,
        lang,
        reading,
        facts,
        newFacts,
        issues: turn.facts.issues,
        topics,
        topicsNamed,
        hinted: turn.hinted,
        answeredPending,
        received,
        asOf,
        hotline,
        assistantName,
        search,
      };
      let intent = decideIntent(reading, {
        topicsNamed,
        topics: topics.length,
        hinted: turn.hinted.length,
        newFacts: newFacts.size,
        withdrawn: withdrawn.size,
        companyFacts: [...newFacts].filter((id) => decls.get(id)?.type !== 'boolean').length,
        answeredPending,
        knownFacts: Object.keys(session.facts).length,
        moneyIssue: turn.facts.issues.length > 0,
      });
      // "依据是哪条？原文怎么写的" right after an answer: the clauses that answer cited, whatever they were.
      if (
        reading.asks.source &&
        !topicsNamed &&
        reading.references.length === 0 &&
        reading.documentsNamed.length === 0 &&
        newFacts.size === 0 &&
        (session.lastCitations?.length ?? 0) > 0
      )
        intent = { name: 'lookup', clauses: session.lastCitations! };
      let reply: Reply;
      if (intent.name === 'scope-check') {
        // No signal of its own: answer only when retrieval finds a clause that covers the question.
        const found = search(reading.text, { preferAmounts: false });
        const hits = Array.isArray(found) ? found : await found;
        const top = hits[0];
        // A question about this city's own policies (市里有什么引才办法) needs less: anything the base has on it.
        const needed = reading.namesHome ? SCOPE_MIN_EVIDENCE_HOME : SCOPE_MIN_EVIDENCE;
        const support = top ? scopeSupport(reading.text, top) : 0;
        if (support >= needed) {
          intent = { name: 'lookup', hedged: support < SCOPE_SURE_EVIDENCE && !reading.namesHome };
          reply = await handlers.lookup(ctx, intent);
        } else
          reply = outOfScopeNoClause(
            ctx,
            hits.map((h) => `${h.clause.docId}:${h.clause.id}`),
          );
      } else {
        reply = await handlers[intent.name](ctx, intent);
        // A general question that named a case ("同一年既评上省级又评上国家级，能叠加吗") and cannot be worked
        // out without more facts is answered with the awards' terms rather than a question back.
        // The conversation's facts count as the company's only once a message spoke of it: "新认定省级奖多少 … 那国家级
        // 的呢" names cases, it states nothing of the asker.
        const weakCase =
          !reading.own && !reading.ownImplied && !answeredPending && (Object.keys(session.facts).length === 0 || session.general === true);
        // A general how-much question is answered with the policy's amount for the case named (award-info),
        // unless the fact asked for is the one the amount is computed from (国家级买设备能补多少 → the investment).
        const amountBasis = ctx.topics.some((t) =>
          t.topic.rules.some((id) => {
            const amount = ctx.terms.rules.get(id)?.rule.amount;
            return amount !== undefined && 'fact' in amount && amount.fact === reply.pending;
          }),
        );
        if (intent.name === 'calculate' && reply.intent === 'clarify:missing-fact' && weakCase && (!reading.asks.amount || !amountBasis)) {
          reply = await handlers['award-info'](ctx, { name: 'award-info' });
        }
      }

      // What the user said of the company, in this message or earlier in the conversation (a figure repeated back
      // is theirs). A figure the user attributes to the policy (听说能补300万) is a claim, never evidence for itself.
      const statedAmountsYuan = [
        ...reading.money.filter((m) => m.role !== 'benefit').flatMap(amountsSaid),
        ...[...facts].filter(([id, f]) => f.how !== 'default' && decls.get(id)?.type === 'money').map(([, f]) => f.value as number),
        // A figure stated in an earlier turn and replaced in this one ("此前850万元 + 300万元").
        ...Object.entries(session.facts)
          .filter(([id, f]) => decls.get(id)?.type === 'money' && typeof f.value === 'number')
          .map(([, f]) => f.value as number),
      ];
      let answer: AdvisorAnswer = {
        answer: reply.answer,
        details: reply.details,
        kind: reply.kind,
        citations: reply.citations.map(citationOf),
        calculations: reply.calculations.map(calculationOf),
        ...(reply.followUp ? { followUp: reply.followUp } : {}),
        ...(reply.totalYuan !== undefined ? { totalYuan: reply.totalYuan } : {}),
        asOf,
        sessionId: input.sessionId,
        // Time-ordered: the Q&A log's primary key then grows at its end, a third of the cost of random keys.
        answerId: timeOrderedUuid(),
        meta: {
          intent: reply.intent,
          composer: 'template',
          injection: reading.injected.length > 0,
          guardViolations: [],
          retrieved: reply.retrieved ?? reply.citations.map((c) => `${c.docId}:${c.id}`),
          statedAmountsYuan,
          latencyMs: 0,
        },
      };
      // The guard checks every answer, the embedded templates' too: an amount from nowhere is never sent.
      const statedPercents = [...facts]
        .filter(([id, f]) => f.how !== 'default' && decls.get(id)?.unit === '%' && typeof f.value === 'number')
        .map(([, f]) => f.value as number);
      const violations = guardReply(`${answer.answer}\n${answer.details}`, answer, statedAmountsYuan, statedPercents);
      if (violations.length > 0) {
        options.events?.onGuardViolation?.(violations, input.question, 'template');
        answer = {
          ...answer,
          kind: 'out_of_scope',
          answer: `抱歉，这个问题我暂时不能给出有可靠依据的答复，请拨打 ${hotline} 咨询人工。`,
          details: '',
          calculations: [],
          totalYuan: undefined,
          meta: { ...answer.meta, intent: `${answer.meta.intent}:guarded`, guardViolations: violations },
        };
        delete answer.totalYuan;
      }

      if (input.sessionId) {
        const next: Session = {
          facts: persist,
          topics: reply.topics ?? (topics.length > 0 ? topics.map((t) => t.topic.id) : session.topics),
          turns: session.turns + 1,
        };
        if (reply.pending !== undefined) next.pending = reply.pending;
        const preTax = reply.intent === 'clarify:pre-tax' ? turn.facts.issues.find((i) => i.kind === 'pre-tax') : undefined;
        if (preTax) next.preTax = { factId: preTax.factId, yuan: preTax.yuan, said: preTax.said };
        if (answer.answerId !== undefined) next.lastAnswerId = answer.answerId;
        if (received.size > 0) next.received = Object.fromEntries(received);
        if (session.turns === 0 ? !reading.own && !reading.ownImplied : session.general === true && !reading.own && !reading.ownImplied)
          next.general = true;
        if (answer.citations.length > 0) next.lastCitations = answer.citations.slice(0, 3).map((c) => `${c.docId}:${c.clauseId}`);
        await sessions.set(input.sessionId, next);
      }
      const factValues = Object.fromEntries([...facts].map(([id, f]) => [id, f.value]));
      const phrased = options.composer
        ? await answerWithModel(
            answer,
            reading.text || input.question,
            (input.history ?? []).map((h) => h.question),
            factValues,
          )
        : answer;
      phrased.meta.latencyMs = performance.now() - started;
      return phrased;
    },
  };
}
