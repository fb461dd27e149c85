import { v7 as timeOrderedUuid } from 'uuid';
import { systemClock, type Clock } from '../clock.js';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { SearchHit } from '../../knowledge/index/retriever.js';
import type { Clause } from '../../knowledge/types.js';
import { evaluateRules, type CalculationReport, type RuleResult } from '../calculator/engine.js';
import type { Rule, RuleSet } from '../../knowledge/rules/rules-schema.js';
import type { AnswerBody, CalculationBody, CitationBody } from '../schemas.js';
import { emptySession, type Session, type SessionStore } from '../sessions/session-store.js';
import {
  composeAwardsOverview,
  composeCalculation,
  composeClarify,
  composeLookup,
  composeOutOfScope,
  composeSmalltalk,
} from './compose.js';
import { createMemo, type MemoStats } from './analysis-cache.js';
import { checkAnswerAmounts, type GuardViolation } from './guard.js';
import { OTHER_REGIONS, OUT_OF_SCOPE_TOPICS, QUESTION_FILLER, SMALLTALK } from './phrasebook.js';
import { normaliseQuestion, type NormalisedQuestion } from './question.js';
import { extractFacts, readFactText, type AwardTopic, type Facts, type TextReading } from './slots.js';

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
  facts: Facts;
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
  onGuardViolation?: (violations: GuardViolation[], question: string) => void;
}

export interface Advisor {
  ask(input: AskInput): Promise<AdvisorAnswer>;
  resetSession(sessionId: string): Promise<void>;
  /** The fact a follow-up question asks for, recognised from its text (for callers that keep the history). */
  factAskedBy(text: string): string | undefined;
  /** Use of the memos of question analysis and retrieval (see `analysisCacheSize`). */
  cacheStats(): { questions: MemoStats; searches: MemoStats };
}

export interface AdvisorOptions {
  knowledge: KnowledgeBase;
  ruleSets: RuleSet[];
  sessions: SessionStore;
  hotline: string;
  composer?: ModelComposer;
  modelTimeoutMs?: number;
  /** Where today's date comes from (China time); default: the system clock. */
  clock?: Clock;
  events?: AdvisorEvents;
  /**
   * How many questions (and as many searches) to keep analysed: normalised, segmented, checked for
   * scope and retrieved. Default 2,000; 0 analyses every question afresh.
   */
  analysisCacheSize?: number;
}

/** What the advisor reads from a question's text alone, whatever the conversation: memoised per text. */
interface QuestionAnalysis {
  q: NormalisedQuestion;
  /** What the question's fact text states by itself; the conversation adds the rest (extractFacts). */
  reading: TextReading;
  references: Clause[];
  namesDocument: boolean;
  smalltalk: boolean;
  /** Refusal that follows from the text itself (other region or topic, attempts to cheat). */
  textRefusal: 'other-region' | 'other-topic' | 'refused' | undefined;
  /** Share of the content words the knowledge base has seen. */
  coverage: number;
}

/** Which calculator facts each award topic is decided by; rules are matched to topics through them. */
const TOPIC_FACTS: Record<AwardTopic, string[]> = {
  equipment: ['investmentYuan'],
  contest: ['contestPrize'],
  recognition: ['nationalRecognitionYear', 'provincialRecognitionYear'],
  cluster: ['clusterLevel'],
};

/** Facts the conversation fills with the usual case when the user says nothing, saying so in the answer. */
const DEFAULTS: { factId: string; value: boolean; assumption: string }[] = [
  { factId: 'statusValid', value: true, assumption: '按贵企业的专精特新资质仍在有效期内计算；如资质已过期，请告诉我。' },
  {
    factId: 'provincialEquipmentSubsidyReceived',
    value: false,
    assumption: '按这笔设备、软件投资未获得省财政设备、软件投资补助计算（与省财政不重复补助）；如已获得，请告诉我。',
  },
];

const factsOfRule = new WeakMap<Rule, Set<string>>();

/** The facts a rule reads (conditions, amount, exclusivity year); worked out once per rule. */
function factsUsedBy(rule: Rule): Set<string> {
  let facts = factsOfRule.get(rule);
  if (facts) return facts;
  facts = new Set<string>(rule.conditions.map((c) => c.fact));
  if ('fact' in rule.amount) facts.add(rule.amount.fact);
  if (rule.exclusivity) facts.add(rule.exclusivity.yearFact);
  factsOfRule.set(rule, facts);
  return facts;
}

/** Creates the answering service: deterministic intent and slots, retrieval, calculator, templates, optional model, guard. */
export function createAdvisor(options: AdvisorOptions): Advisor {
  const { knowledge, ruleSets, sessions, hotline } = options;
  const clock = options.clock ?? systemClock;
  const primaryMeta = knowledge.getDocument(knowledge.primaryDocId);
  const primaryTitle = primaryMeta?.title ?? '';
  const ruleSet = ruleSets.find((rs) => rs.docId === knowledge.primaryDocId) ?? ruleSets[0]!;
  const rulesById = new Map(ruleSet.rules.map((r) => [r.id, r]));
  const rulesWithClauses = ruleSet.rules.map((rule) => ({
    rule,
    clause: knowledge.getClause(rule.citation.docId, rule.citation.clauseId),
  }));
  const ruleClauseIds = new Set(ruleSet.rules.map((r) => `${r.citation.docId}:${r.citation.clauseId}`));

  const rulesForTopic = (topic: AwardTopic, facts: Facts): Rule[] => {
    const wanted = TOPIC_FACTS[topic];
    const rules = ruleSet.rules.filter((rule) => wanted.some((f) => factsUsedBy(rule).has(f)));
    if (topic !== 'recognition') return rules;
    // Item 19 has one rule per level: ask about the level the company speaks of, not both.
    const known = rules.filter((rule) => rule.exclusivity && facts[rule.exclusivity.yearFact] !== undefined);
    if (known.length > 0) return known;
    const byLevel = rules.filter((rule) =>
      rule.conditions.some(
        (c) => c.fact === 'level' && (c.op === 'equals' ? c.value === facts.level : c.op === 'in' && c.values[0] === facts.level),
      ),
    );
    return byLevel.length > 0 ? byLevel : rules;
  };

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

  /** Share of the question's content words the knowledge base has ever seen: low means off-topic. */
  const coverage = (q: NormalisedQuestion): number => {
    const words = knowledge.tokenizer
      .words(q.factText.trim() === '' ? q.text : q.factText)
      .filter((w) => /[\u4e00-\u9fff]{2,}|[a-z]{3,}/i.test(w) && !QUESTION_FILLER.has(w));
    if (words.length === 0) return 0;
    return words.filter((w) => knowledge.knowsWord(w)).length / words.length;
  };

  const textRefusal = (q: NormalisedQuestion): QuestionAnalysis['textRefusal'] => {
    const text = q.text;
    if (/骗取|套取|造假|伪造|虚报|批准给|系统提示|提示词|原样输出|prompt/i.test(text)) return 'refused';
    if (OUT_OF_SCOPE_TOPICS.some((p) => p.test(text))) return 'other-topic';
    if (
      OTHER_REGIONS.some((region) => text.includes(region)) &&
      !/郑州|河南省实施|河南实施/.test(text.replace(/郑州市?的?(天气|房价)/, ''))
    ) {
      return 'other-region';
    }
    return undefined;
  };

  const outOfScopeReason = (analysis: QuestionAnalysis, mentionsPolicy: boolean): QuestionAnalysis['textRefusal'] =>
    analysis.textRefusal ?? (!mentionsPolicy && analysis.coverage < 0.4 ? 'other-topic' : undefined);

  const cacheSize = options.analysisCacheSize ?? 2000;
  const questionMemo = createMemo<QuestionAnalysis>(cacheSize);
  const searchMemo = createMemo<SearchHit[]>(cacheSize);
  const analyse = (question: string): QuestionAnalysis =>
    questionMemo.get(question, () => {
      const q = normaliseQuestion(question);
      return {
        q,
        reading: readFactText(q.factText, q.moneyMentions),
        references: knowledge.retriever.resolveReferences(q.searchText),
        namesDocument: knowledge.retriever.documentsNamed(q.text).length > 0,
        smalltalk: isSmalltalk(q.text),
        textRefusal: textRefusal(q),
        coverage: coverage(q),
      };
    });
  /** Memoised searches; a kept result is returned as it is, without a round through the microtask queue. */
  const search = (text: string, preferClausesWithAmounts: boolean): SearchHit[] | Promise<SearchHit[]> => {
    const key = `${preferClausesWithAmounts ? 1 : 0}:${text}`;
    return searchMemo.peek(key) ?? searchMemo.getAsync(key, () => knowledge.retriever.search(text, { k: 3, preferClausesWithAmounts }));
  };

  async function answerWithModel(draft: AdvisorAnswer, q: NormalisedQuestion, history: string[], facts: Facts): Promise<AdvisorAnswer> {
    const composer = options.composer;
    if (!composer || draft.kind === 'smalltalk' || draft.kind === 'out_of_scope') return draft;
    const controller = new AbortController();
    const timeout = options.modelTimeoutMs ?? 8000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const text = await Promise.race([
        composer.compose({
          question: q.factText || q.text,
          history,
          kind: draft.kind,
          embeddedAnswer: draft.answer,
          citations: draft.citations,
          calculations: draft.calculations,
          facts,
          asOf: draft.asOf,
          signal: controller.signal,
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`model timed out after ${timeout} ms`));
          }, timeout);
        }),
      ]);
      const violations = checkAnswerAmounts(text, {
        calculatorYuan: draft.calculations.flatMap((c) => [c.amountYuan, ...figuresIn(c.formula)]).concat(draft.totalYuan ?? []),
        citedClauseTexts: draft.citations.map((c) => c.quote),
        userStatedYuan: q.statedAmountsYuan,
      });
      if (violations.length > 0) {
        options.events?.onGuardViolation?.(violations, q.original);
        return { ...draft, meta: { ...draft.meta, guardViolations: violations } };
      }
      if (text.trim() === '') throw new Error('model returned an empty answer');
      return { ...draft, answer: text.trim(), meta: { ...draft.meta, composer: 'model' } };
    } catch (error) {
      const reason = (error as Error).message;
      options.events?.onModelFailure?.(reason);
      return { ...draft, meta: { ...draft.meta, modelFailure: reason } };
    } finally {
      clearTimeout(timer);
    }
  }

  // Defined once, not per question: tsx (keepNames) names every closure a question would create.
  const clauseOf = (r: RuleResult) => knowledge.getClause(r.citation.docId, r.citation.clauseId);

  /** Saves the conversation, lets the model phrase the answer when one is configured, and times the turn. */
  async function finishTurn(turn: Turn, answer: AdvisorAnswer, next: NextSession): Promise<AdvisorAnswer> {
    if (turn.input.sessionId) {
      // Built whole, in one shape: what is not changed carries over from the session as it was.
      const nextSession: Session = {
        facts: next.facts ?? turn.session.facts,
        topics: next.topics ?? turn.session.topics,
        turns: turn.session.turns + 1,
      };
      if (next.pending !== undefined) nextSession.pending = next.pending;
      if (answer.answerId !== undefined) nextSession.lastAnswerId = answer.answerId;
      await sessions.set(turn.input.sessionId, nextSession);
    }
    const phrased = options.composer
      ? await answerWithModel(
          answer,
          turn.q,
          (turn.input.history ?? []).map((h) => h.question),
          turn.facts,
        )
      : answer;
    phrased.meta.latencyMs = performance.now() - turn.started;
    return phrased;
  }

  return {
    async resetSession(sessionId) {
      await sessions.delete(sessionId);
    },

    factAskedBy(text) {
      return ruleSet.facts.find((f) => text.includes(f.question))?.id;
    },

    cacheStats: () => ({ questions: questionMemo.stats(), searches: searchMemo.stats() }),

    async ask(input) {
      const started = performance.now();
      const asOf = input.asOf ?? clock.today();
      const analysis = analyse(input.question);
      const q = analysis.q;
      const session: Session = (input.sessionId ? await sessions.get(input.sessionId) : undefined) ?? emptySession();
      // A caller that keeps the history itself (chat completions) replays earlier turns for their facts.
      for (const turn of input.history ?? []) {
        const earlierAnalysis = analyse(turn.question);
        const earlier = extractFacts(earlierAnalysis.q.factText, {
          moneyMentions: earlierAnalysis.q.moneyMentions,
          reading: earlierAnalysis.reading,
          asOf,
          declarations: ruleSet.facts,
          pending: turn.pending,
          conversationTopics: session.topics,
          known: session.facts,
        });
        Object.assign(session.facts, earlier.facts);
        if (earlier.topics.length) session.topics = earlier.topics;
        session.pending = undefined;
      }
      if (input.pending) session.pending = input.pending;
      const extraction = extractFacts(q.factText, {
        moneyMentions: q.moneyMentions,
        reading: analysis.reading,
        asOf,
        declarations: ruleSet.facts,
        pending: session.pending,
        conversationTopics: session.topics,
        known: session.facts,
      });
      const facts: Facts = { ...session.facts, ...extraction.facts };
      const answeredPending = session.pending !== undefined && extraction.facts[session.pending] !== undefined;
      const newFacts = Object.keys(extraction.facts).length > 0;
      let topics = extraction.topics;
      if (
        topics.length === 0 &&
        (answeredPending || (newFacts && session.topics.length > 0) || (extraction.asksAmount && session.topics.length > 0))
      ) {
        topics = session.topics;
      }
      if (topics.length === 0 && extraction.facts.investmentYuan !== undefined) topics = ['equipment'];

      const references = analysis.references;
      // Only this message counts: an earlier turn's facts do not make an unrelated question about the policy.
      const mentionsPolicy =
        extraction.topics.length > 0 ||
        answeredPending ||
        references.length > 0 ||
        analysis.namesDocument ||
        Object.keys(extraction.facts).length > 0 ||
        (extraction.asksAmount && session.topics.length > 0);

      const base = {
        asOf,
        // Always present (undefined is left out of the JSON): every answer object then has one shape.
        sessionId: input.sessionId,
        // Time-ordered: the Q&A log's primary key then grows at its end, a third of the cost of random keys.
        answerId: timeOrderedUuid(),
      };
      const injectionNote =
        q.injectedSegments.length > 0 ? '\n（您消息中要求更改规则或金额的内容不会被采纳：金额只按政策原文和计算器给出。）' : '';

      const turn: Turn = { input, session, q, facts, started };

      // Smalltalk and out of scope: no amounts, no clause.
      if (analysis.smalltalk && topics.length === 0) {
        return finishTurn(
          turn,
          {
            ...base,
            kind: 'smalltalk',
            answer: composeSmalltalk(q.text, hotline, primaryTitle),
            citations: [],
            calculations: [],
            meta: templateMeta(q, 'smalltalk'),
          },
          { pending: undefined },
        );
      }
      const refusal = outOfScopeReason(analysis, mentionsPolicy);
      const injectionOnly = q.factText.trim() === '' && q.injectedSegments.length > 0;
      if (refusal || (injectionOnly && !/[\u4e00-\u9fff]{2}/.test(q.searchText + q.text))) {
        return finishTurn(
          turn,
          {
            ...base,
            kind: 'out_of_scope',
            answer: composeOutOfScope({ hotline, reason: refusal ?? 'refused', primaryTitle }),
            citations: [],
            calculations: [],
            meta: templateMeta(q, `out_of_scope:${refusal ?? 'injection-only'}`),
          },
          { pending: undefined },
        );
      }

      // Awards: calculate when the question is about the asker's company, otherwise explain the rule.
      const wantsCalculation =
        topics.length > 0 &&
        references.length === 0 &&
        (answeredPending ||
          // In a calculation under way, new facts recompute: "那如果我们是小巨人呢", "要是换成3000万呢".
          (newFacts && session.topics.length > 0) ||
          ((extraction.aboutOwnCompany || Object.keys(session.facts).length > 0) &&
            (extraction.asksAmount || (newFacts && !extraction.isQuestion))));
      const generalAmountQuestion =
        topics.length === 0 &&
        references.length === 0 &&
        extraction.aboutOwnCompany &&
        extraction.asksAmount &&
        /补贴|补助|奖励|奖补|钱/.test(q.factText);

      // A statement of facts with nothing asked yet ("我们是省级专精特新"): confirm what was understood and
      // say what can be worked out from here, rather than quoting a loosely matching clause.
      if (newFacts && !extraction.isQuestion && topics.length === 0 && references.length === 0 && q.injectedSegments.length === 0) {
        const understood = Object.entries(extraction.facts).map(([id, value]) => {
          const declaration = ruleSet.facts.find((f) => f.id === id);
          const shown =
            declaration?.options?.find((o) => o.value === value)?.label ??
            (typeof value === 'boolean' ? (value ? '是' : '否') : String(value));
          return `${declaration?.label ?? id}：${shown}`;
        });
        const text = [
          `已记下：${understood.join('；')}。`,
          composeAwardsOverview(rulesWithClauses, primaryMeta),
          '请告诉我您想测算哪一项，例如今年购置设备、软件的投资额，或获奖、新认定的情况。',
        ].join('\n');
        return finishTurn(
          turn,
          {
            ...base,
            kind: 'clarify',
            answer: text + injectionNote,
            citations: [],
            calculations: [],
            followUp: ['您想测算哪一项奖补？'],
            meta: templateMeta(q, 'clarify:facts-noted'),
          },
          { facts, pending: undefined },
        );
      }

      if (generalAmountQuestion) {
        const level = ruleSet.facts.find((f) => f.id === 'level');
        const text = [
          composeAwardsOverview(rulesWithClauses, primaryMeta),
          '',
          `为帮您测算，请先告诉我：${level?.question ?? ''}以及您想了解哪一项（如今年购置设备、软件的投资额，获奖等次，新认定情况）。`,
        ].join('\n');
        return finishTurn(
          turn,
          {
            ...base,
            kind: 'clarify',
            answer: text + injectionNote,
            citations: [],
            calculations: [],
            followUp: level ? [level.question] : [],
            meta: templateMeta(q, 'clarify:overview'),
          },
          { facts, pending: level?.id, topics: [] },
        );
      }

      if (wantsCalculation) {
        const focused = [...new Set(topics.flatMap((t) => rulesForTopic(t, facts)))];
        const defaultsAssumed: string[] = [];
        const defaultedFacts: string[] = [];
        const withDefaults: Facts = { ...facts };
        for (const d of DEFAULTS) {
          if (withDefaults[d.factId] === undefined && focused.some((rule) => factsUsedBy(rule).has(d.factId))) {
            withDefaults[d.factId] = d.value;
            defaultsAssumed.push(d.assumption);
            defaultedFacts.push(d.factId);
          }
        }
        const report: CalculationReport = evaluateRules(ruleSet, withDefaults, { asOf, ruleIds: focused.map((r) => r.id) });
        const focusedIds = new Set(focused.map((r) => r.id));
        const results = report.results.filter((r) => focusedIds.has(r.ruleId));
        const missing = report.followUpQuestions.filter((fq) => fq.ruleIds.some((id) => focusedIds.has(id)));
        const citedClauses = [
          ...new Map(
            results
              .map((r) => clauseOf(r))
              .filter((c): c is Clause => c !== undefined)
              .map((c) => [`${c.docId}:${c.id}`, c]),
          ).values(),
        ];

        if (!report.expired && missing.length > 0) {
          const text = composeClarify({
            topicTitles: [...new Set(results.map((r) => r.title))],
            questions: missing,
            rules: focused.map((rule) => ({ rule, clause: knowledge.getClause(rule.citation.docId, rule.citation.clauseId) })),
            meta: primaryMeta,
          });
          return finishTurn(
            turn,
            {
              ...base,
              kind: 'clarify',
              answer: text + injectionNote,
              citations: citedClauses.map(citationOf),
              calculations: [],
              followUp: missing.map((m) => m.question),
              meta: templateMeta(
                q,
                'clarify',
                citedClauses.map((c) => c.id),
              ),
            },
            { facts, pending: missing[0]!.factId, topics },
          );
        }

        const text = composeCalculation({ report, results, rulesById, clauseOf, meta: primaryMeta, asOf, defaultsAssumed });
        const closing = knowledge.getClause(knowledge.primaryDocId, 'closing');
        const citations = report.expired && closing ? [citationOf(closing)] : citedClauses.map(citationOf);
        const calculations = results.map(calculationOf);
        return finishTurn(
          turn,
          {
            ...base,
            kind: 'calculation',
            answer: text + injectionNote,
            citations,
            calculations,
            totalYuan: report.expired ? 0 : results.reduce((sum, r) => sum + (r.eligible ? r.amountYuan : 0), 0),
            meta: templateMeta(
              q,
              report.expired ? 'calculation:expired' : 'calculation',
              citedClauses.map((c) => c.id),
            ),
          },
          // The answer ends by inviting a correction of the last assumption ("如已获得，请告诉我"): a bare 是的 / 没有
          // next answers it.
          { facts, pending: report.expired ? undefined : defaultedFacts.at(-1), topics },
        );
      }

      // Look-ups: the clauses named or found, quoted in full.
      // A message that is nothing but an attempt to restate the rules is answered with the rule it names.
      const searchText = injectionOnly ? q.text : q.searchText;
      const found = search(
        searchText,
        (extraction.asksAmount || /奖励|补贴|补助|奖金|奖补|资金/.test(q.factText)) && !/比例|百分/.test(q.factText),
      );
      const hits = Array.isArray(found) ? found : await found;
      const referenced = hits.filter((h) => h.matchedBy.reference);
      const chosen = referenced.length > 0 ? referenced.map((h) => h.clause) : hits.slice(0, 1).map((h) => h.clause);
      if (chosen.length === 0) {
        return finishTurn(
          turn,
          {
            ...base,
            kind: 'out_of_scope',
            answer: composeOutOfScope({ hotline, reason: 'no-clause', primaryTitle }),
            citations: [],
            calculations: [],
            meta: templateMeta(
              q,
              'out_of_scope:no-clause',
              hits.map((h) => h.clause.id),
            ),
          },
          { facts, pending: undefined },
        );
      }
      const asksValidity = /有效期|有效|截止|到期|过期|什么时候|啥时候|结束|还能申请|还能申报/.test(q.factText);
      const closing = knowledge.getClause(knowledge.primaryDocId, 'closing');
      if (asksValidity && closing && chosen[0]?.docId === knowledge.primaryDocId && !chosen.includes(closing)) {
        // A question about whether the plan still runs is answered by its validity sentence.
        if (chosen[0]?.id !== 'closing' && (asOf > (primaryMeta?.validity.to ?? '9999') || /有效期|有效吗|过期|截止/.test(q.factText)))
          chosen.unshift(closing);
      }
      const text = composeLookup({
        clauses: chosen.slice(0, 2).map((clause) => {
          const rule = ruleSet.rules.find(
            (r) =>
              r.citation.docId === clause.docId && r.citation.clauseId === clause.id && ruleClauseIds.has(`${clause.docId}:${clause.id}`),
          );
          return { clause, meta: knowledge.getDocument(clause.docId), keySentence: rule ? `“${rule.quote}”。` : undefined };
        }),
        asOf,
        primaryMeta,
        mentionsValidity: asksValidity,
      });
      return finishTurn(
        turn,
        {
          ...base,
          kind: 'lookup',
          answer: text + injectionNote,
          citations: chosen.slice(0, 2).map(citationOf),
          calculations: [],
          meta: templateMeta(
            q,
            referenced.length > 0 ? 'lookup:reference' : 'lookup',
            hits.map((h) => `${h.clause.docId}:${h.clause.id}`),
          ),
        },
        { facts, pending: undefined, topics: topics.length ? topics : session.topics },
      );
    },
  };
}

/** What a turn changes in the conversation: the fact asked for next always; facts and topics when given. */
interface NextSession {
  facts?: Facts;
  pending: string | undefined;
  topics?: AwardTopic[];
}

/** One question in flight: what `finishTurn` needs once the answer is composed. */
interface Turn {
  input: AskInput;
  session: Session;
  q: NormalisedQuestion;
  facts: Facts;
  started: number;
}

function templateMeta(q: NormalisedQuestion, intent: string, retrieved: string[] = []): AdvisorAnswer['meta'] {
  return {
    intent,
    composer: 'template',
    injection: q.injectedSegments.length > 0,
    guardViolations: [],
    retrieved,
    statedAmountsYuan: q.statedAmountsYuan,
    latencyMs: 0,
  };
}

/** Every part of the message is a greeting, thanks or a question about the assistant. */
function isSmalltalk(text: string): boolean {
  const parts = text.split(/[，。！？,.!?~～\s]+/).filter(Boolean);
  return parts.length > 0 && parts.every((p) => SMALLTALK.test(p));
}

/** Figures written in a formula (5,000,000 × 10% = 500,000), which the model may repeat. */
function figuresIn(formula: string): number[] {
  return [...formula.matchAll(/\d{1,3}(?:,\d{3})+|\d+/g)].map((m) => Number(m[0].replace(/,/g, '')));
}
