import { matchAnyFrame, type Frame } from '../../../knowledge/rules/frames.js';
import type { Clause } from '../../../knowledge/types.js';

import { readClauses, type MessageClause } from '../analyse/clauses.js';
import { amountsSaid, readMoney, readPercentClaims, type ReadMoney } from '../analyse/money-roles.js';
import { readMessage } from '../analyse/noise.js';
import type { Language } from '../language/language.js';
import type { BaseTerms, CompiledTopic } from './base-terms.js';
import { readFacts, type FactsRead, type ReadFactsOptions } from './read-facts.js';
import { findTopics, hintedTopics } from './topics.js';
import { factsOfRule } from '../../../knowledge/rules/rule-facts.js';

/**
 * What the advisor reads from a message's text alone, whatever the conversation (memoised per text): its
 * clauses, figures, what it asks, the awards it names, and what sets it apart (smalltalk, a request to
 * refuse, an unrelated request, another region).
 */
export interface TextReading {
  original: string;
  /** Clauses the user means (injections set aside). */
  clauses: MessageClause[];
  /** The user's words as one normalised text, for retrieval. */
  text: string;
  /** Clauses set aside as attempts to change the rules or the assistant (never facts). */
  injected: string[];
  /** The same, as clauses: a message that is nothing else is answered with the rule it names. */
  injectedClauses: MessageClause[];
  money: ReadMoney[];
  /** Percentages the message attributes to the policy (按20%补). */
  percentClaims: number[];
  /** Award figures the message attributes to the policy by hearsay or asks about (听说奖300万, 能拿250万吗). */
  amountClaims: ReadMoney[];
  asks: Asks;
  /** The message speaks of the asker's own company. */
  own: boolean;
  /** A statement of something done, with no one named (得奖了、刚认定了): the asker's own case in Chinese. */
  ownImplied: boolean;
  /** Some clause poses a case (如果我们是…). */
  hypothetical: boolean;
  /** Some clause reports hearsay. */
  hearsay: boolean;
  /** Only greetings, thanks, or questions about the assistant. */
  smalltalk: boolean;
  /** Asks to cheat or to act beyond answering. */
  refusal: boolean;
  /** Names an everyday matter that no policy covers (weather, school places…). */
  unrelated: boolean;
  /** A place named that is not the base's, when none of the base's is named. */
  otherRegion?: string;
  /**
   * The other region is whose policy is asked about or where the company is (深圳的设备补贴、我们公司在上海), not only
   * a place something happened (在上海参展、卖到北京).
   */
  otherRegionOwns?: boolean;
  /** Names the base's own place (郑州、市里): a question about this city's policies. */
  namesHome: boolean;
  /** Uses a term of the base (its lexicon's words, a document's name). */
  baseTerms: boolean;
  /** Names another programme the base does not cover (its lexicon's notCovered). */
  notCovered?: string;
  references: Clause[];
  documentsNamed: string[];
}

export interface Asks {
  question: boolean;
  amount: boolean;
  /** Speaks of money or awards (补贴、奖励、多少、条件…): a question about an award's amount or terms. */
  award: boolean;
  /** Asks about each of several (各、分别). */
  each: boolean;
  /** Names an award or subsidy (补贴、奖励) or asks what one pays (能拿多少). */
  awardNoun: boolean;
  limit: boolean;
  /** Asks for a rate or a threshold (按多少比例、门槛多少), not an amount paid. */
  rateOrThreshold: boolean;
  /** Asks who receives an award (给谁的、谁能申请), not which department is responsible. */
  recipient: boolean;
  yesNo: boolean;
  overview: boolean;
  when: boolean;
  /** Asks whether a document still runs (有效期、到期), not when it was issued. */
  validity: boolean;
  who: boolean;
  /** Where an answer comes from (依据是哪条、原文怎么写的). */
  source: boolean;
}

/** The base's parts the reading needs. */
export interface ReadingContext {
  lang: Language;
  terms: BaseTerms;
  /** The base's English terms, applied with the engine's generic ones. */
  glossary: readonly [RegExp, string][];
  places: readonly string[];
  baseWords: readonly string[];
  notCovered: readonly Frame[];
  /** Every clause of the base, lower-cased: words its documents use are not unrelated to it. */
  baseText: string;
  references(text: string): Clause[];
  documentsNamed(text: string): string[];
}

function notCoveredIn(clauses: readonly MessageClause[], ctx: ReadingContext): { notCovered?: string } {
  for (const c of clauses) {
    const m = matchAnyFrame(c.text, ctx.notCovered);
    if (m) return { notCovered: c.text.slice(m.start, m.end) };
  }
  return {};
}

/**
 * Whether a region named in a message owns the question: its policy (深圳的补贴、上海市出台的政策、北京那边奖多少)
 * or the company's seat (我们公司在上海、注册在杭州). A place where something happened (在上海参展) does not.
 */
function regionOwns(text: string, region: string, lang: Language): boolean {
  for (let at = text.indexOf(region); at >= 0; at = text.indexOf(region, at + 1)) {
    // The rest of its clause: 深圳的资质设备补贴 (the region's award), not 上海的展会，参展费能补多少. Close after
    // the place, any linking word; further on (开封市对中小企业买设备有什么补贴), one that makes the place the
    // subject (对、出台、给) — 在上海参展的费用能补多少 has none.
    const rest = text.slice(at + region.length).split(/[，。！？,.!?；;\s]/)[0]!;
    const near = rest.slice(0, 12);
    const policyWords = (t: string) => lang.awardWords.test(t) || /政策|文件|规定|办法/.test(t);
    // 我们在上海参展: where something is done, not where the company is or whose policy is asked about.
    const activity = /^(?:市|省)?(?:参展|参加|参会|办展|展出|出差|开会|比赛|考察|学习|培训|举办|承建|施工|投资|开拓|设立分)/.test(rest);
    if (!activity && policyWords(near)) return true;
    if (/^(?:市|省|区|县)?(?:那边|这边|当地|本地)?(?:对|出台了?|发布了?|给|给予)/.test(rest) && policyWords(rest)) return true;
    const before = text.slice(Math.max(0, at - 5), at);
    if (!activity && /(?:我们|公司|企业|注册|位于|地址|总部|我们是|来自)(?:在|是|于)?$/.test(before)) return true;
  }
  return false;
}

/** Reads a message's text (pure given the context; memoise by text). */
export function readText(original: string, ctx: ReadingContext): TextReading {
  const { lang } = ctx;
  const segments = readMessage(original);
  const all = readClauses(segments, lang, [ctx.glossary]);
  const matchesInjection = (c: MessageClause) =>
    c.source === 'hidden' || (!c.hearsay && matchAnyFrame(c.text, lang.injection) !== undefined);
  // A quoted reply in a sentence that dictates the answer (请直接回复：“…”) is part of the attempt, not a statement.
  const dictating = new Set(all.filter(matchesInjection).map((c) => c.sentence));
  const isInjection = (c: MessageClause) =>
    matchesInjection(c) || (dictating.has(c.sentence) && /^[“"「『].*[”"」』]$/.test(c.text.trim()));
  const injectedClauses = all.filter(isInjection);
  const injected = injectedClauses.map((c) => c.text);
  const clauses: MessageClause[] = all.filter((c) => !isInjection(c));
  clauses.forEach((c, i) => (c.index = i));
  const own = clauses.filter((c) => c.source !== 'other-party');
  const text = own.map((c) => c.text).join('，');
  const money = readMoney(clauses, lang);
  // Award figures put to the advisor to confirm (听说…、…对吧？) or forwarded: claims, checked against the clause.
  const confirming = lang.askYesNo.test(clauses.map((c) => c.text).join('，'));
  const amountClaims = money.filter((m) => {
    const clause = clauses[m.clause]!;
    return m.role === 'benefit' && (clause.hearsay || clause.question || clause.source === 'quoted' || confirming);
  });
  const places = ctx.places.map((p) => p.toLowerCase());
  const namesHome = places.some((p) => text.includes(p));
  const otherRegion = namesHome ? undefined : lang.regions.find((r) => !places.includes(r) && text.includes(r));
  const otherRegionOwns = otherRegion !== undefined && regionOwns(text, otherRegion, lang);
  // Greetings compared part by part, fillers and repeats left out (好的好的 谢谢啊 辛苦了).
  const withoutFillers = (p: string) =>
    lang.smalltalk.has(p) ? p : lang.smalltalkFillers.find(p).reduceRight((t, h) => t.slice(0, h.start) + t.slice(h.end), p);
  const isSmalltalk = (p: string) => lang.smalltalk.has(p) || /^(?:谢谢|感谢|多谢|辛苦)[^\d]{0,6}$/.test(p);
  // A part is a greeting as a whole ("hi there"), or every word of it is one ("好的好的 谢谢啊").
  const parts = text
    .split(/[，。！？,.!?~～]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const smalltalkPart = (p: string) =>
    isSmalltalk(withoutFillers(p)) || p.split(/\s+/).every((w) => withoutFillers(w) === '' || isSmalltalk(withoutFillers(w)));
  const asks: Asks = {
    question: own.some((c) => c.question),
    // 多少家、几名 ask for a count; money is asked only when another amount word remains.
    amount: lang.askAmount.test(lang.askCount.find(text).reduceRight((t, h) => t.slice(0, h.start) + t.slice(h.end), text)),
    award: lang.awardWords.test(text) || amountClaims.length > 0,
    each: lang.distributive.test(text),
    limit: lang.askLimit.test(text),
    rateOrThreshold: lang.askRateOrThreshold.test(text),
    recipient: lang.askRecipient.test(text),
    yesNo: lang.askYesNo.test(text),
    overview: own.some((c) => matchAnyFrame(c.text, lang.askOverview)),
    awardNoun: lang.awardNouns.test(text),
    when: lang.askWhen.test(text),
    validity: lang.askValidity.test(text),
    who: lang.askWho.test(text),
    source: lang.askSource.test(text),
  };
  return {
    original,
    clauses,
    text,
    injected,
    money,
    percentClaims: readPercentClaims(clauses.filter((c) => c.hearsay || c.question || c.source === 'quoted')),
    amountClaims,
    asks,
    // "来电人问：…" introduces the caller's words; the question after it decides whose case it is.
    own: own.some((c) => c.own && !SPEAKER_ONLY.test(c.text)),
    // "得奖了能奖多少": something done, and its amount asked, with no one named.
    ownImplied: own.some((c) => !c.hearsay && !c.otherParty && /[了过](?![吗呢么嘛])/.test(c.text) && lang.askAmount.test(c.text)),
    hypothetical: own.some((c) => c.hypothetical),
    hearsay: own.some((c) => c.hearsay),
    smalltalk: parts.length > 0 && (parts.every(smalltalkPart) || courtesyWithRemark(parts, smalltalkPart, lang, money.length, ctx, text)),
    refusal: [...own, ...injectedClauses].some((c) => matchAnyFrame(c.text, lang.refusal)),
    injectedClauses,
    // An everyday matter the base's own documents speak of (a district policy on executives' children's school
    // places) is not unrelated to that base.
    unrelated: own.some((c) => {
      const m = matchAnyFrame(c.text, lang.unrelated);
      // Only a single word (入学) is judged by the base's text; a combination (注册 + 公司) names a chore whatever
      // words the documents use.
      return m !== undefined && !(m.hits.length === 1 && ctx.baseText.includes(m.hits[0]!.text));
    }),
    ...(otherRegion ? { otherRegion, otherRegionOwns } : {}),
    namesHome,
    baseTerms: ctx.baseWords.some((w) => text.includes(w)),
    ...notCoveredIn(own, ctx),
    references: ctx.references(text),
    documentsNamed: ctx.documentsNamed(text),
  };
}

/**
 * A greeting or thanks with a remark that asks nothing of the policies: praise (解答得很清楚), a question about the
 * assistant put another way (你是机器人还是真人啊), emphasis (a lot). The remark names no money, no base term and
 * asks no question of its own — "你好，营业执照怎么办" is a question, not a greeting.
 */
function courtesyWithRemark(
  parts: readonly string[],
  isCourtesy: (p: string) => boolean,
  lang: Language,
  figures: number,
  ctx: ReadingContext,
  text: string,
): boolean {
  if (figures > 0 || ctx.baseWords.some((w) => text.includes(w))) return false;
  // A part that opens with a greeting or thanks (thanks a lot, 谢谢你解答得很清楚) leaves its rest as a remark.
  const openers = [...lang.smalltalk].filter((w) => [...w].length >= 2).sort((a, b) => b.length - a.length);
  let courteous = false;
  const remarks: string[] = [];
  for (const part of parts) {
    if (isCourtesy(part)) {
      courteous = true;
      continue;
    }
    const opener = openers.find((w) => part.toLowerCase().startsWith(w));
    if (opener) courteous = true;
    remarks.push(opener ? part.slice(opener.length).trim() : part);
  }
  return (
    courteous &&
    remarks.every((p) => {
      const remark = p.replace(/\p{Extended_Pictographic}/gu, '').trim();
      if (remark === '') return true;
      if ([...remark].length > 16 || REQUEST.test(remark)) return false;
      // Said to the assistant about itself (你是…、are you…), or no question at all.
      if (/^(?:你|您|are you|you)/i.test(remark)) return true;
      return !lang.questionMarkers.test(remark);
    })
  );
}

/** A clause that only says who is speaking (来电人问、客户想知道、对方说): an agent's introduction. */
const SPEAKER_ONLY =
  /^(?:来电人|来电企业|来电公司|来电者|客户|企业|公司|对方|他们|他|她|老板)(?:就|又|还)?(?:问|想问|想知道|咨询|询问|说|反映|提到)(?:的是|了|下|一下)?$/;

/** A remark that asks for something done (想注册商标、帮我查一下、需要办理): a request, not a courtesy. */
const REQUEST = /想|要|需要|请|帮|办|申请|咨询|问|查|want|need|please|help|apply/i;

/** What a message states in its conversation: facts (with the fact asked for last) and the awards it is about. */
export interface TurnReading {
  facts: FactsRead;
  topics: CompiledTopic[];
  /** Topics only hinted at (认定了 without saying what). */
  hinted: CompiledTopic[];
}

export function readTurn(reading: TextReading, ctx: ReadingContext, options: ReadFactsOptions): TurnReading {
  const read = readFacts(reading.clauses, reading.money, ctx.terms, ctx.lang, options);
  // A message that is nothing but an attempt to restate the rules is answered with the rule it names.
  // A clause that takes a figure back (设备那个不算了) does not make its award the subject of the question.
  const takenBack = new Set(read.denied.map((d) => d.said));
  const topicClauses = reading.clauses.length > 0 ? reading.clauses.filter((c) => !takenBack.has(c.text)) : reading.injectedClauses;
  const sure = read.stated.filter((s) => s.among === undefined);
  const topics = findTopics(topicClauses, ctx.terms, sure);
  // Words that state one of several facts (租了500平方) state the one the awards in play read, or none.
  const inPlay = new Set([
    ...topics.flatMap((t) => t.topic.rules.flatMap((id) => [...factsOfRule(ctx.terms.rules.get(id)!.rule)])),
    ...(options.conversationFacts ?? []),
  ]);
  const playing = read.stated.filter((s) => s.among !== undefined && inPlay.has(s.factId));
  const best = new Map<string, number>();
  for (const s of playing) best.set(s.among!, Math.max(best.get(s.among!) ?? 0, s.amongRank ?? 0));
  // Named by no phrase (rank 0), a count is kept only when one fact in play could be meant.
  const chosen = playing.filter(
    (s) =>
      (s.amongRank ?? 0) === best.get(s.among!) && (best.get(s.among!)! > 0 || playing.filter((o) => o.among === s.among).length === 1),
  );
  // Two counts chosen for one fact when the other could be another's ("原有门店15家，又新设了4家"): each fact
  // says one thing, so the later count goes to the next fact in play its words name.
  for (const [i, s] of chosen.entries()) {
    const taken = [...sure, ...chosen.filter((o) => o !== s)].some((o) => o.factId === s.factId && o.value !== s.value);
    if (!taken) continue;
    const alternative = playing
      .filter((o) => o.among === s.among && o !== s && (o.amongRank ?? 0) > 0)
      .sort((a, b) => (b.amongRank ?? 0) - (a.amongRank ?? 0))
      .find((o) => ![...sure, ...chosen].some((x) => x.factId === o.factId));
    if (alternative) chosen[i] = alternative;
  }
  const facts = { ...read, stated: read.stated.filter((s) => s.among === undefined || chosen.includes(s)) };
  return { facts, topics, hinted: topics.length > 0 ? [] : hintedTopics(topicClauses, ctx.terms) };
}

/**
 * Amounts a message states in the user's own or pasted words, attempts to change the rules left out: what
 * an answer may repeat back as the user's. Needs no knowledge base (the evaluation scores with it).
 */
export function statedAmounts(message: string, lang: Language): number[] {
  const clauses = readClauses(readMessage(message), lang, []).filter(
    (c) => c.source !== 'hidden' && (c.hearsay || matchAnyFrame(c.text, lang.injection) === undefined),
  );
  return readMoney(clauses, lang).flatMap(amountsSaid);
}
