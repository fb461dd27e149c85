import type { TextReading } from './understand/understand.js';

/** What the advisor does with a message; one handler each (handlers/). */
export type Intent =
  | { name: 'smalltalk' }
  | { name: 'refuse' }
  | { name: 'out-of-scope'; reason: 'other-region' | 'other-topic' }
  | { name: 'overview' }
  | { name: 'calculate' }
  | { name: 'award-info' }
  | { name: 'which-topic' }
  | {
      name: 'lookup';
      topicClauses?: boolean;
      /** Answered by the closest clause, said to be the closest. */
      hedged?: boolean;
      /** The clauses the conversation's last answer cited ("依据是哪条" after it). */
      clauses?: readonly string[];
    }
  | { name: 'facts-noted' }
  /** Nothing points to the knowledge base by itself: retrieval decides between a look-up and declining. */
  | { name: 'scope-check' };

/** The conversation's side of the decision. */
export interface IntentState {
  /** This message names awards (by their words or a fact only they read). */
  topicsNamed: boolean;
  /** Awards the question is about, this message's or the conversation's for a follow-up. */
  topics: number;
  /** Awards this message only hints at (认定了 without saying what). */
  hinted: number;
  /** Facts this message states about the company. */
  newFacts: number;
  /** Facts the conversation knew that this message takes back (其实我们不是省级; 国家级是我搞错了). */
  withdrawn: number;
  /** Of those, facts that describe the company itself (a status, an amount, a year), not only a yes/no. */
  companyFacts: number;
  /** The message answers the question the advisor asked last. */
  answeredPending: boolean;
  /** The conversation already knows facts about the company. */
  knownFacts: number;
  /** The message states a figure the clause cannot use (a pre-tax price…): worth a reply about the award. */
  moneyIssue: boolean;
}

/**
 * Decides what to do, from evidence: a policy signal (an award's words, a fact about the company, a clause
 * or document named, a term of the base) makes a message answerable, and only its absence declines it; a
 * list of unrelated requests never overrides a signal. Pure, so it is tested as a table.
 */
export function decideIntent(reading: TextReading, state: IntentState): Intent {
  const asks = reading.asks;
  if (reading.refusal) return { name: 'refuse' };
  const signal =
    state.topicsNamed ||
    state.hinted > 0 ||
    state.newFacts > 0 ||
    state.withdrawn > 0 ||
    state.answeredPending ||
    state.moneyIssue ||
    reading.references.length > 0 ||
    reading.documentsNamed.length > 0 ||
    reading.baseTerms;
  // A message that is nothing but greetings is smalltalk, even if a greeting contains a base word (机器人).
  if (reading.smalltalk && state.newFacts === 0 && reading.references.length === 0 && reading.documentsNamed.length === 0) {
    return { name: 'smalltalk' };
  }
  // A base term or a hint is weak evidence: another programme named, or an everyday request, outweighs it;
  // an award, a fact about the company or a clause named does not.
  const strong =
    state.topicsNamed ||
    state.companyFacts > 0 ||
    state.withdrawn > 0 ||
    state.answeredPending ||
    reading.references.length > 0 ||
    reading.documentsNamed.length > 0;
  if (!strong && (reading.notCovered || reading.unrelated)) return { name: 'out-of-scope', reason: 'other-topic' };
  // Another region declines when it owns the question (its policy, the company's seat), or when nothing else in
  // the message is the base's: "在上海参展，参展费能补多少" is a question about this base's award.
  const awardSignal = state.topicsNamed || state.companyFacts > 0;
  if (
    reading.otherRegion &&
    (reading.otherRegionOwns || !awardSignal) &&
    reading.references.length === 0 &&
    reading.documentsNamed.length === 0
  ) {
    return { name: 'out-of-scope', reason: 'other-region' };
  }
  const claims = reading.amountClaims.length > 0 || reading.percentClaims.length > 0;
  // Nothing but an attempt to restate the rules: answered with the rule it names.
  if (reading.clauses.length === 0 && reading.injected.length > 0) return state.topicsNamed ? { name: 'award-info' } : { name: 'refuse' };
  // A rumour about an award is answered with the award's own terms, even when it names the clause; a
  // company asking about its own case with a rumour in mind gets its case worked out (and the rumour corrected).
  if (state.topicsNamed && claims && !reading.own && state.companyFacts === 0 && !state.answeredPending) return { name: 'award-info' };
  // "我们设备投了500万，能申请哪些补贴": the company asks for everything it may get, not only the award its figure
  // belongs to; "设备能申请什么补贴" without a company of its own stays with the award it names.
  if (asks.overview && (!state.topicsNamed || reading.own || state.companyFacts > 0) && reading.references.length === 0) {
    return { name: 'overview' };
  }
  if (state.topics > 0) {
    // Who an award is paid to (集群的奖励给谁、每家都能拿吗): the award's terms, whoever asks and whatever they state.
    if (asks.recipient && !asks.amount) return { name: 'award-info' };
    const procedural = (asks.who || asks.when) && !asks.amount && state.newFacts === 0;
    if (procedural) return { name: 'lookup', topicClauses: reading.references.length === 0 };
    if (reading.references.length > 0 && !state.topicsNamed) return { name: 'lookup' };
    const aboutAward =
      asks.award || state.newFacts > 0 || state.withdrawn > 0 || state.answeredPending || state.moneyIssue || reading.hypothetical;
    // An award's words in a question about something else (设备能加速折旧吗): retrieval answers it.
    if (!aboutAward) return { name: 'lookup' };
    const ownCase =
      reading.own ||
      reading.ownImplied ||
      state.companyFacts > 0 ||
      state.answeredPending ||
      reading.hypothetical ||
      state.knownFacts > 0 ||
      state.moneyIssue;
    // 各等奖各奖多少: a question about the whole table, whoever asks it.
    if (asks.each && state.companyFacts === 0 && !state.answeredPending) return { name: 'award-info' };
    if (
      ownCase &&
      (asks.amount ||
        asks.yesNo ||
        asks.limit ||
        state.newFacts > 0 ||
        state.withdrawn > 0 ||
        state.answeredPending ||
        state.moneyIssue ||
        !asks.question)
    ) {
      return { name: 'calculate' };
    }
    if (reading.references.length > 0 && !asks.amount && !asks.limit) return { name: 'lookup' };
    return { name: 'award-info' };
  }
  // When or who for awards only hinted at (专利授权后多久要申请): the clause answers it, whichever award it is.
  if (state.hinted >= 2 && (asks.when || asks.who) && !asks.amount && state.newFacts === 0) return { name: 'lookup' };
  if (state.hinted >= 2 && (asks.award || reading.own)) return { name: 'which-topic' };
  if (state.newFacts > 0 && !asks.question) return { name: 'facts-noted' };
  if ((reading.own || state.companyFacts > 0) && asks.awardNoun && reading.references.length === 0 && reading.documentsNamed.length === 0) {
    return { name: 'overview' };
  }
  if (!signal) return reading.unrelated ? { name: 'out-of-scope', reason: 'other-topic' } : { name: 'scope-check' };
  return { name: 'lookup' };
}
