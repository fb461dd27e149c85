import { matchAnyFrame, matchFrame, parseFrame, type Frame, type FrameMatch } from '../../../knowledge/rules/frames.js';
import type { FactValue } from '../../calculator/facts.js';
import { factsOfRule } from '../../../knowledge/rules/rule-facts.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import { isNegated, MISTAKEN_AFTER, type MessageClause } from '../analyse/clauses.js';
import { findCounts, findDays } from '../analyse/counts.js';
import { yearOf, yearsIn } from '../analyse/dates.js';
import type { ReadMoney } from '../analyse/money-roles.js';
import type { Language } from '../language/language.js';
import type { BaseTerms, CompiledFact } from './base-terms.js';

/**
 * Reads the facts a message states about the asker's company, by the base's declarations: generic
 * extractors per fact type (enum options, yes/no with negation, money with its tax basis and role, years).
 * Every fact keeps the words that stated it, so an answer can show where each figure came from.
 */

export interface StatedFact {
  factId: string;
  value: FactValue;
  /** The words that stated it. */
  said: string;
  clause: number;
  /** Posed as a case (如果我们是…): holds for this question only. */
  hypothetical: boolean;
  how: 'stated' | 'reply';
  /**
   * Said by the same words as other facts' statements (租了500平方 names the area of any rented office): one of
   * a group, kept only for a fact the message's or the conversation's awards read.
   */
  among?: string;
  /** Within its group, how specific the words that said it are (more is preferred). */
  amongRank?: number;
}

/** A fact the message denies (还不是省级资质): an earlier value equal to it is withdrawn. */
export interface DeniedFact {
  factId: string;
  value: FactValue;
  said: string;
}

/** A figure that cannot be used as the fact the clause names, and why; the answer says so and asks. */
export interface MoneyIssue {
  factId: string;
  kind: 'pre-tax' | 'invoice-basis' | 'tax-only' | 'approximate' | 'several';
  yuan: number;
  upToYuan?: number;
  said: string;
}

export interface FactsRead {
  stated: StatedFact[];
  denied: DeniedFact[];
  issues: MoneyIssue[];
}

export interface ReadFactsOptions {
  asOf: string;
  /** The fact the advisor asked for last: a short reply answers it. */
  pending?: string;
  /** Money facts the conversation is about: a bare figure ("不对，是800万") is one of them. */
  contextFacts?: readonly string[];
  /** Facts the conversation's awards read: words that could state several facts state one of these. */
  conversationFacts?: readonly string[];
  /** Facts known from earlier turns (同一年 refers to them). */
  known?: ReadonlyMap<string, FactValue>;
  /**
   * Facts of the conversation's awards a correction may change by a short name ("说错了，是省级的"), the
   * ones only those awards read first.
   */
  correctable?: readonly string[];
}

/** A fact stated by a whole clause (its words are where it came from). */
function statedIn(clause: MessageClause, factId: string, value: FactValue): StatedFact {
  return { factId, value, said: clause.text, clause: clause.index, hypothetical: clause.hypothetical, how: 'stated' };
}

/** Clauses that can state the asker's facts: their own or pasted words, not someone else's, not hearsay. */
function factClauses(clauses: readonly MessageClause[], lang: Language): MessageClause[] {
  return clauses.filter((c) => (c.source === 'own' || c.source === 'quoted') && !c.hearsay && !c.otherParty && !unrelatedRequest(c, lang));
}

/**
 * A clause that is an everyday request by a combination of words (推荐 + 餐厅、注册 + 公司): it asks for something
 * no policy covers, so the words in it (a seafood restaurant → 餐饮) state nothing of the company.
 */
function unrelatedRequest(clause: MessageClause, lang: Language): boolean {
  const m = matchAnyFrame(clause.text, lang.unrelated);
  return m !== undefined && m.hits.length > 1;
}

/**
 * A general question that names a status or a case (是不是省级资质才能申请？新认定的国家级奖多少？)
 * does not state it of the asker's company: only a statement, or a question in the company's own voice, does.
 */
function statesOfCompany(clause: MessageClause, lang: Language, terms: BaseTerms): boolean {
  // "一、二、三等奖各奖多少": several cases asked about at once are a question about the table.
  if (lang.distributive.test(clause.text)) return false;
  // "国家级买设备能补多少": a case named in a question about an award's amount is the case to work out.
  // "那要是去香港参展呢": a case posed (要是、如果) is the case to work out, asked as a question or not.
  return (
    !clause.question ||
    clause.own ||
    clause.hypothetical ||
    (lang.askAmount.test(clause.text) &&
      !lang.distributive.test(clause.text) &&
      terms.topics.some((t) => matchAnyFrame(clause.text, t.frames)))
  );
}

interface OptionMatch {
  fact: CompiledFact;
  value: string;
  match: FrameMatch;
  clause: MessageClause;
}

/** Enum options in one clause; a longer phrase claims its characters before a shorter one can. */
function optionMatches(clause: MessageClause, terms: BaseTerms): OptionMatch[] {
  const candidates: OptionMatch[] = [];
  for (const fact of terms.facts.values()) {
    for (const option of fact.options) {
      for (const frame of option.frames) {
        const match = matchFrame(clause.text, frame);
        if (match) candidates.push({ fact, value: option.value, match, clause });
      }
    }
  }
  const length = (m: OptionMatch) => m.match.hits.reduce((n, h) => n + h.end - h.start, 0);
  candidates.sort((a, b) => length(b) - length(a) || a.match.start - b.match.start);
  const taken: [number, number][] = [];
  const accepted: OptionMatch[] = [];
  for (const c of candidates) {
    if (c.match.hits.some((h) => taken.some(([s, e]) => h.start < e && s < h.end))) continue;
    accepted.push(c);
    for (const h of c.match.hits) taken.push([h.start, h.end]);
  }
  return accepted;
}

function spanText(clause: MessageClause, match: FrameMatch): string {
  return clause.text.slice(match.start, match.end);
}

/** Reads the facts of one message. Pure. */
export function readFacts(
  clauses: readonly MessageClause[],
  money: readonly ReadMoney[],
  terms: BaseTerms,
  lang: Language,
  options: ReadFactsOptions,
): FactsRead {
  const stated: StatedFact[] = [];
  const denied: DeniedFact[] = [];
  const issues: MoneyIssue[] = [];
  const usable = factClauses(clauses, lang);
  const taken = new Map<number, [number, number][]>();

  // Enum options.
  const ordered = new Map<string, string[]>();
  for (const fact of terms.facts.values())
    if (fact.decl.type === 'enum')
      ordered.set(
        fact.decl.id,
        fact.options.map((o) => o.value),
      );
  for (const clause of usable) {
    for (const m of optionMatches(clause, terms)) {
      const spans = taken.get(clause.index) ?? [];
      for (const h of m.match.hits) spans.push([h.start, h.end]);
      taken.set(clause.index, spans);
      if (!statesOfCompany(clause, lang, terms)) continue;
      const said = spanText(clause, m.match);
      if (isNegated(clause.text, m.match, lang)) denied.push({ factId: m.fact.decl.id, value: m.value, said });
      else
        stated.push({
          factId: m.fact.decl.id,
          value: m.value,
          said,
          clause: clause.index,
          hypothetical: clause.hypothetical,
          how: 'stated',
        });
    }
  }
  const blockedIn = (clause: MessageClause) => (start: number, end: number) =>
    (taken.get(clause.index) ?? []).some(([s, e]) => start < e && s < end);

  // Yes/no facts: a negated "yes" phrase says no, a negated "no" phrase says yes.
  for (const fact of terms.facts.values()) {
    if (fact.decl.type !== 'boolean') continue;
    for (const clause of usable) {
      if (!statesOfCompany(clause, lang, terms)) continue;
      const yes = matchAnyFrame(clause.text, fact.yes, { blocked: blockedIn(clause) });
      const no = matchAnyFrame(clause.text, fact.no, { blocked: blockedIn(clause) });
      const found = [yes && { m: yes, holds: true }, no && { m: no, holds: false }].filter((x): x is { m: FrameMatch; holds: boolean } =>
        Boolean(x),
      );
      for (const { m, holds } of found) {
        const value = isNegated(clause.text, m, lang) ? !holds : holds;
        stated.push({
          factId: fact.decl.id,
          value,
          said: spanText(clause, m),
          clause: clause.index,
          hypothetical: clause.hypothetical,
          how: 'stated',
        });
      }
    }
  }

  // Years: a clause that speaks of the event, with a year in it, its sentence or the message; "同一年"
  // takes the year of the other event stated (or known), so it is read after the others.
  const sameYear: { fact: CompiledFact; clause: MessageClause }[] = [];
  for (const fact of terms.facts.values()) {
    if (fact.decl.type !== 'year' || fact.cues.length === 0) continue;
    for (const clause of usable) {
      if (!statesOfCompany(clause, lang, terms)) continue;
      const m = matchAnyFrame(clause.text, fact.cues);
      if (!m || isNegated(clause.text, m, lang)) continue;
      const sentence = clauses
        .filter((c) => c.sentence === clause.sentence)
        .map((c) => c.text)
        .join('，');
      if (yearOf(clause.text, options.asOf) === undefined && /同一年|同年|same year/.test(clause.text)) {
        sameYear.push({ fact, clause });
        continue;
      }
      // The year may be said elsewhere in the sentence or message, unless a figure there ties it to another
      // event ("我们是国家级，今年买了设备" says nothing of when the status came).
      const noFigures = (text: string) => !/\d\s?(?:万|元)|[一二三四五六七八九十百千]万/.test(text);
      const whole = usable.map((c) => c.text).join('，');
      const year =
        yearOf(clause.text, options.asOf) ??
        (noFigures(sentence) ? yearOf(sentence, options.asOf) : undefined) ??
        (noFigures(whole) ? yearOf(whole, options.asOf) : undefined);
      if (year === undefined) {
        const recent = recentYear(clause, options.asOf);
        if (recent) stated.push({ ...statedIn(clause, fact.decl.id, recent.year), said: recent.said });
        continue;
      }
      stated.push(statedIn(clause, fact.decl.id, year));
    }
  }
  // "2026年新认定了省级和国家级": an event, a year, and the status by its short name, for each status named.
  for (const fact of terms.facts.values()) {
    const about = fact.decl.about;
    if (fact.decl.type !== 'year' || !about || !fact.decl.events || stated.some((s) => s.factId === fact.decl.id)) continue;
    const events = fact.decl.events.map(parseFrame);
    const target = terms.facts.get(about.fact);
    const option = target?.options.find((o) => o.value === about.value);
    if (!option) continue;
    const statedAbout = stated.filter((s) => s.factId === about.fact).map((s) => s.value);
    for (const clause of usable) {
      if (!statesOfCompany(clause, lang, terms)) continue;
      const event = matchAnyFrame(clause.text, events);
      if (!event || isNegated(clause.text, event, lang)) continue;
      const claimed = taken.get(clause.index) ?? [];
      const free = (at: number, length: number) =>
        !claimed.some(([s, e]) => at < e && s < at + length) || option.frames.some((f) => matchFrame(clause.text, f));
      // By a short name (省级), or by the option's own words (省里评的那个).
      const named =
        option.replies.some((name) => {
          const at = clause.text.indexOf(name.toLowerCase());
          return at >= 0 && free(at, name.length);
        }) || option.frames.some((f) => matchFrame(clause.text, f));
      // Or the clause names no status at all, and the message states this one ("我们是省级资质，2025年认定的";
      // "省级…又拿了国家级，都是今年新认定的" gives the year to both).
      const namesAnyStatus = target!.options.some(
        (o) =>
          o.frames.some((f) => matchFrame(clause.text, f)) ||
          o.replies.some((name) => name.length >= 2 && !lang.negators.test(name) && clause.text.includes(name.toLowerCase())),
      );
      // The status may be the conversation's ("说错了，是2026年认定的" after "我们2025年认定为省级").
      const onlyStatus =
        !named &&
        !namesAnyStatus &&
        (statedAbout.includes(about.value) || (statedAbout.length === 0 && options.known?.get(about.fact) === about.value));
      if (!named && !onlyStatus) continue;
      const year = yearOf(clause.text, options.asOf);
      const recent = year === undefined ? recentYear(clause, options.asOf) : undefined;
      if (year === undefined && !recent) continue;
      stated.push(recent ? { ...statedIn(clause, fact.decl.id, recent.year), said: recent.said } : statedIn(clause, fact.decl.id, year!));
      break;
    }
  }
  for (const { fact, clause } of sameYear) {
    const other = [...stated.map((s) => [s.factId, s.value] as const), ...(options.known ?? new Map())]
      .filter(([id]) => id !== fact.decl.id && terms.facts.get(id)?.decl.type === 'year')
      .map(([, v]) => v)
      .find((v): v is number => typeof v === 'number');
    if (other !== undefined) {
      stated.push(statedIn(clause, fact.decl.id, other));
      continue;
    }
    // "同一年被新认定为省级和国家级", no year said: the two are in one year, which year does not change the
    // award while it is within the policy's years; worked out as this year, and said so.
    if (sameYear.filter((s) => s.clause === clause).length >= 2) {
      stated.push({
        ...statedIn(clause, fact.decl.id, Number(options.asOf.slice(0, 4))),
        said: `${clause.text}（未说明哪一年，按今年计）`,
      });
    }
  }

  // Counts: a number with the fact's unit in a clause that names the fact (三件专利, 租了500平方).
  for (const clause of usable) {
    if (!statesOfCompany(clause, lang, terms)) continue;
    const candidates: { fact: CompiledFact; cue: FrameMatch; count: ReturnType<typeof findCounts>[number] }[] = [];
    const previous = clauses[clause.index - 1];
    const lead = previous && previous.sentence === clause.sentence && usable.includes(previous) ? `${previous.text}，` : '';
    for (const fact of terms.facts.values()) {
      if (fact.decl.type !== 'integer' || fact.cues.length === 0) continue;
      // The words may run over a pause of the same sentence ("营业额两千五百万 增长百分之七十"): the clause before
      // is read with this one when this one alone does not name the fact; the count is this clause's own.
      const own = matchAnyFrame(clause.text, fact.cues, { blocked: blockedIn(clause) });
      const joined = own || !lead ? undefined : matchAnyFrame(lead + clause.text, fact.cues);
      const cue = own ?? joined;
      if (!cue || isNegated(own ? clause.text : lead + clause.text, cue, lang)) continue;
      const shift = own ? 0 : lead.length;
      const at = { start: cue.start - shift, end: cue.end - shift };
      const counts = findCounts(clause.text, unitsOf(fact, lang));
      const distance = (c: { start: number; end: number }) =>
        c.end <= at.start ? at.start - c.end : c.start >= at.end ? c.start - at.end : 0;
      const nearest = [...counts].sort((a, b) => distance(a) - distance(b))[0];
      if (nearest) candidates.push({ fact, cue, count: nearest });
    }
    // Every reading of one number is a group: the awards in play decide among them (see readTurn), the phrase
    // with more parts first (美国专利3件 over 专利3件); a fact of the same unit that no phrase names is a
    // reading of rank 0 ("租厂房生产…租了五千平方": the noun said earlier).
    const rank = (c: (typeof candidates)[number]) => c.cue.frame.groups.length * 100 + c.cue.hits.reduce((n, h) => n + h.end - h.start, 0);
    const readings: StatedFact[] = [];
    for (const c of candidates) {
      readings.push({
        ...statedIn(clause, c.fact.decl.id, c.count.value),
        said: c.count.text,
        among: `${clause.index}:${c.count.start}`,
        amongRank: rank(c),
      });
    }
    for (const fact of terms.facts.values()) {
      if (fact.decl.type !== 'integer' || candidates.some((c) => c.fact === fact)) continue;
      for (const count of findCounts(clause.text, unitsOf(fact, lang))) {
        readings.push({
          ...statedIn(clause, fact.decl.id, count.value),
          said: count.text,
          among: `${clause.index}:${count.start}`,
          amongRank: 0,
        });
      }
    }
    for (const r of readings) {
      // The only reading of a number, and named by a phrase: stated outright.
      if (r.amongRank! > 0 && readings.filter((o) => o.among === r.among).length === 1) {
        delete r.among;
        delete r.amongRank;
      }
      stated.push(r);
    }
  }
  // A count of months not stated as a number, with a whole year said (全年、每年补多少): 12 months, for whichever
  // month count the awards in play read.
  const wholeYear = usable.find((c) => lang.wholeYear.test(c.text));
  if (wholeYear) {
    for (const fact of terms.facts.values()) {
      if (fact.decl.type !== 'integer' || !/月/.test(fact.decl.unit ?? '') || stated.some((s) => s.factId === fact.decl.id)) continue;
      const said = lang.wholeYear.find(wholeYear.text)[0]!.word;
      stated.push({ ...statedIn(wholeYear, fact.decl.id, 12), said: `${said}（按12个月计）`, among: 'whole-year' });
    }
  }
  // Days: a date in a clause that names the event (授权公告日2019-03-12).
  for (const fact of terms.facts.values()) {
    if (fact.decl.type !== 'date' || fact.cues.length === 0) continue;
    for (const clause of usable) {
      if (!statesOfCompany(clause, lang, terms)) continue;
      const cue = matchAnyFrame(clause.text, fact.cues);
      const days = cue && !isNegated(clause.text, cue, lang) ? findDays(clause.text, options.asOf) : [];
      if (days.length > 0) {
        stated.push({ ...statedIn(clause, fact.decl.id, days[0]!.day), said: days[0]!.text });
        break;
      }
      // Only the year (今年拿了3件专利授权): the calculator uses it where the whole year has one rate.
      const year = cue && !isNegated(clause.text, cue, lang) ? yearOf(clause.text, options.asOf) : undefined;
      if (year !== undefined) {
        stated.push({ ...statedIn(clause, fact.decl.id, String(year)), said: yearsIn(clause.text, options.asOf)[0]?.text ?? String(year) });
        break;
      }
    }
  }

  // Money.
  for (const fact of terms.facts.values()) {
    if (fact.decl.type !== 'money') continue;
    const result = readMoneyFact(fact, clauses, money, terms, lang, options);
    if (result.value) stated.push(result.value);
    issues.push(...result.issues);
    // "设备那个不算了、采购合同取消了": the figure known for this fact is taken back, by naming what it was for.
    const known = options.known?.get(fact.decl.id);
    const withdrawing = usable.find(
      (c) => mentions(c, fact.cues) && FACT_WITHDRAWN.test(c.text) && !money.some((m) => m.clause === c.index),
    );
    if (!result.value && known !== undefined && withdrawing) denied.push({ factId: fact.decl.id, value: known, said: withdrawing.text });
  }

  // A short reply to the question asked last.
  if (options.pending && !stated.some((s) => s.factId === options.pending)) {
    const reply = replyTo(options.pending, clauses, money, terms, lang, options.asOf);
    if (reply) stated.push(reply);
  }
  // A short name called a mistake ("国家级是我搞错了"): that option is withdrawn, whatever else the message says.
  for (const factId of options.correctable ?? []) {
    const withdrawn = mistakenOption(factId, clauses, terms);
    if (withdrawn && !denied.some((d) => d.factId === factId)) denied.push(withdrawn);
  }
  // A correction by a short name ("不好意思，说错了，是省级的，不是国家级"): the first fact of the conversation's
  // awards it can change.
  if (clauses.some((c) => c.correction) && stated.length === 0) {
    for (const factId of options.correctable ?? []) {
      const reply = replyTo(factId, clauses, money, terms, lang, options.asOf);
      if (reply && reply.value !== options.known?.get(factId)) {
        stated.push(reply);
        break;
      }
    }
  }
  // A case posed by a short name in a follow-up ("那如果是国家级的呢", "要是国家级呢"): it holds for this question
  // only, and changes the first fact of the conversation's awards it names.
  const posing = clauses.some((c) => c.source === 'own' && (c.hypothetical || (c.question && /呢$/.test(c.text))));
  if (posing && stated.length === 0) {
    for (const factId of options.correctable ?? []) {
      const reply = replyTo(factId, clauses, money, terms, lang, options.asOf);
      if (reply && reply.value !== options.known?.get(factId)) {
        stated.push({ ...reply, hypothetical: true });
        break;
      }
    }
  }
  // "那个一等奖是区里的比赛，不是市里那个大赛": an award named only to be denied takes back the facts only it
  // reads (the prize), as known from the conversation.
  for (const clause of usable) {
    for (const topic of terms.topics) {
      const m = matchAnyFrame(clause.text, topic.frames);
      // Denied by name: 不是/并非 right before it (设备不是三百万 denies a figure, not the award).
      if (!m || !/(?:不是|并不是|并非|而不是|不属于)$/.test(clause.text.slice(0, m.start))) continue;
      const own = new Set(topic.topic.rules.flatMap((id) => [...factsOfRule(terms.rules.get(id)!.rule)]));
      const shared = new Set(
        terms.topics.filter((t) => t !== topic).flatMap((t) => t.topic.rules.flatMap((id) => [...factsOfRule(terms.rules.get(id)!.rule)])),
      );
      for (const factId of own) {
        if (shared.has(factId)) continue;
        // Said of the denied award in this message too (那个一等奖…不是市里那个大赛): not the company's fact either.
        for (let i = stated.length - 1; i >= 0; i--) if (stated[i]!.factId === factId) stated.splice(i, 1);
        const known = options.known?.get(factId);
        if (known === undefined || denied.some((d) => d.factId === factId)) continue;
        denied.push({ factId, value: known, said: clause.text });
      }
    }
  }
  // A short name the company says it has (我们是省级的、去年评的省级): the fact of the conversation's awards, or the
  // first in conversation order, that has the name and nothing in the message states otherwise.
  for (const { fact: short, name } of ownShortNames(usable, terms, options)) {
    if (stated.some((x) => x.factId === short.factId) || denied.some((d) => d.factId === short.factId)) continue;
    // A short name another fact's own words already read in this clause (技术中心只是市级的: the centre's level,
    // not also 市级 of the key-project list) states that fact only.
    if (stated.some((x) => x.clause === short.clause && x.factId !== short.factId && enumNames(terms, x.factId).has(name))) continue;
    stated.push(short);
  }
  // A fact stated about an option (是今年新评上的省级: the year of the provincial status) says the company has
  // that option, when the message states no other and what was known of it is unknown or just denied.
  for (const fact of [...stated]) {
    const about = terms.facts.get(fact.factId)?.decl.about;
    if (!about || fact.hypothetical || stated.some((s) => s.factId === about.fact)) continue;
    const known = options.known?.get(about.fact);
    if (known !== undefined && !denied.some((d) => d.factId === about.fact && d.value === known)) continue;
    if (denied.some((d) => d.factId === about.fact && d.value === about.value)) continue;
    stated.push({ ...fact, factId: about.fact, value: about.value });
  }
  return { stated, denied, issues };
}

/** How the unit of an integer fact is written: the language's spellings of its declared unit, or the unit itself. */
function unitsOf(fact: CompiledFact, lang: Language): readonly string[] {
  const unit = fact.decl.unit;
  if (!unit) return [];
  return lang.countUnits[unit] ?? [unit];
}

/** Whether any of the frames occurs in a clause (a cue or an exclusion). */
function mentions(clause: MessageClause | undefined, frames: readonly Frame[]): boolean {
  return clause !== undefined && frames.some((f) => matchFrame(clause.text, f) !== undefined);
}

/** A word in a clause that says what a figure is. */
interface Subject {
  start: number;
  end: number;
  /** The money fact it names; undefined for money that is no fact's (营收、贷款) or that this fact excludes. */
  fact?: CompiledFact;
  /** Only words of spending (花了、发票): says money went out, not on what. */
  weak: boolean;
  /** How specific the phrase is: more parts, longer words. */
  rank: number;
}

/**
 * The words in a clause that name what a figure is: a money fact's cue (its nouns; a cue made only of words of
 * spending is weak), what the fact being read excludes (厂房、装修), and money of the company that is no purchase
 * (营收、贷款、工资) unless a fact's cue names the same words.
 */
function subjectsIn(clause: MessageClause, fact: CompiledFact, moneyFacts: readonly CompiledFact[], lang: Language): Subject[] {
  const out: Subject[] = [];
  const isSpendWord = (word: string) => lang.spendWords.find(word).some((h) => h.end - h.start === word.length);
  for (const f of moneyFacts) {
    for (const frame of f.cues) {
      const m = matchFrame(clause.text, frame);
      if (!m) continue;
      const nouns = m.hits.filter((h) => !isSpendWord(h.text));
      const rank = frame.groups.length * 100 + m.hits.reduce((n, h) => n + h.end - h.start, 0);
      if (nouns.length === 0) out.push({ start: m.start, end: m.end, fact: f, weak: true, rank });
      else for (const h of nouns) out.push({ start: h.start, end: h.end, fact: f, weak: false, rank });
    }
  }
  const named = out.filter((s) => !s.weak);
  const overlapsNamed = (start: number, end: number) => named.some((s) => s.start < end && start < s.end);
  for (const frame of fact.excludes) {
    const m = matchFrame(clause.text, frame);
    if (m && !overlapsNamed(m.start, m.end)) out.push({ start: m.start, end: m.end, weak: false, rank: 0 });
  }
  for (const h of lang.otherMoney.find(clause.text))
    if (!overlapsNamed(h.start, h.end)) out.push({ start: h.start, end: h.end, weak: false, rank: 0 });
  return out;
}

/** The figures of one money fact, combined: a total, a correction, a sum of items; or why none can be used. */
function readMoneyFact(
  fact: CompiledFact,
  clauses: readonly MessageClause[],
  money: readonly ReadMoney[],
  terms: BaseTerms,
  lang: Language,
  options: ReadFactsOptions,
): { value?: StatedFact; issues: MoneyIssue[] } {
  const byIndex = new Map(clauses.map((c) => [c.index, c]));
  const inContext = options.contextFacts?.includes(fact.decl.id) || options.pending === fact.decl.id;
  const figureClauses = new Set(money.map((m) => m.clause));
  /**
   * The words that go with a figure: its clause and the short clauses before it in the same sentence, back
   * to the previous figure (设备 | 一共 | 不含税的啊 | 两千五百万).
   */
  const windowOf = (m: ReadMoney): MessageClause[] => {
    const own = byIndex.get(m.clause);
    if (!own) return [];
    const window = [own];
    let length = own.text.length;
    for (let i = m.clause - 1; i >= 0; i--) {
      const c = byIndex.get(i);
      if (!c || c.sentence !== own.sentence || figureClauses.has(i) || length + c.text.length > 30) break;
      window.push(c);
      length += c.text.length;
    }
    return window;
  };
  const moneyFacts = [...terms.facts.values()].filter((f) => f.decl.type === 'money');
  const ownClauses = clauses.filter((c) => c.source === 'own' || c.source === 'quoted');
  // The only money fact the message speaks of takes the figures that name no other (A 不含税 180万；B …).
  const spokenOf = moneyFacts.filter((f) => ownClauses.some((c) => mentions(c, f.cues)));
  const onlyOne = spokenOf.length === 1 && spokenOf[0] === fact;
  /** Figures whose words name this fact and others alike (纳税额 of two awards), with this fact's rank. */
  const shared = new Map<ReadMoney, number>();
  const tiedToFact = (m: ReadMoney): boolean => {
    // The figure this fact already holds, said again (565万是含税价、that 5.65 million is including VAT): that fact.
    if (typeof options.known?.get(fact.decl.id) === 'number' && options.known.get(fact.decl.id) === m.yuan && m.role === 'stated')
      return true;
    let spent = false;
    for (const c of windowOf(m)) {
      const own = c.index === m.clause;
      const found = subjectsIn(c, fact, moneyFacts, lang);
      const strong = found.filter((s) => !s.weak);
      // In the figure's own clause the nearest noun before it names it (贷款800万用来买设备 is a loan), else the
      // first after it (买了500万的设备); in an earlier clause of its window, the last one.
      const before = strong.filter((s) => !own || s.end <= m.index).sort((a, b) => b.end - a.end || b.rank - a.rank)[0];
      const after = own
        ? strong.filter((s) => s.start >= m.index + m.text.length).sort((a, b) => a.start - b.start || b.rank - a.rank)[0]
        : undefined;
      const subject = before ?? after;
      if (subject) {
        const alike = strong.filter((s) => s.fact !== undefined && s.start < subject.end && subject.start < s.end);
        const mine = alike.find((s) => s.fact === fact);
        if (!mine) return false;
        if (new Set(alike.map((s) => s.fact)).size > 1) shared.set(m, mine.rank);
        return true;
      }
      if (found.some((s) => s.weak && s.fact === fact)) spent = true;
    }
    return spent || onlyOne || inContext;
  };
  const isTotal = (m: ReadMoney) =>
    m.total ||
    windowOf(m)
      .slice(1)
      .some((c) => lang.total.test(c.text.replace(/价税合计/g, '')));
  const candidates = money.filter((m) => {
    const clause = byIndex.get(m.clause);
    return clause !== undefined && (clause.source === 'own' || clause.source === 'quoted') && !clause.hearsay && !clause.otherParty;
  });
  const tied = candidates.filter(tiedToFact);
  const issues: MoneyIssue[] = [];
  // "这1500万里有500万元其实是厂房装修": part of a figure already given is not this fact, so it comes off.
  const known = options.known?.get(fact.decl.id);
  if (typeof known === 'number') {
    const whole = candidates.find((m) => m.yuan === known && (m.anaphoric || m.total || /里|中|其中/.test(byIndex.get(m.clause)!.text)));
    const part = candidates.find(
      (m) =>
        m !== whole &&
        m.yuan < known &&
        windowOf(m).some((c) => mentions(c, fact.excludes) || (mentions(c, fact.cues) && lang.negators.test(c.text))),
    );
    if (whole && part) {
      const clause = byIndex.get(part.clause)!;
      return {
        value: { ...statedIn(clause, fact.decl.id, known - part.yuan), said: `${whole.text} − ${part.text}` },
        issues,
      };
    }
  }
  const usable = tied.filter((m) => m.role === 'stated');
  const said = (m: ReadMoney) => (m.units ? `${m.text} × ${m.units.count}${m.units.measure}` : m.text);
  if (usable.length === 0) {
    const tax = tied.find((m) => m.role === 'tax');
    if (tax && fact.decl.taxBasis) issues.push({ factId: fact.decl.id, kind: 'tax-only', yuan: tax.yuan, said: said(tax) });
    return { issues };
  }
  // A correction in the message: only what follows the last one counts.
  const lastCorrection = Math.max(-1, ...clauses.filter((c) => c.correction).map((c) => c.index));
  let pool = usable.some((m) => m.clause >= lastCorrection) ? usable.filter((m) => m.clause >= lastCorrection) : usable;
  // On the wrong tax basis, a figure is never used: the right one if also given, else the answer asks for it.
  if (fact.decl.taxBasis) {
    const wrong = fact.decl.taxBasis === 'excluding-tax' ? 'including-tax' : 'excluding-tax';
    const right = pool.filter((m) => m.basis !== wrong);
    if (right.length === 0) {
      // The user's own tax line or rate turns the tax-inclusive figure into the one the clause names.
      const derived = fact.decl.taxBasis === 'excluding-tax' ? withoutTax(pool, money, clauses) : undefined;
      if (derived) {
        const last = pool.at(-1)!;
        return {
          value: {
            ...statedIn(byIndex.get(last.clause)!, fact.decl.id, derived.yuan),
            said: derived.said,
            hypothetical: pool.some((m) => byIndex.get(m.clause)?.hypothetical),
          },
          issues,
        };
      }
      const m = pool.at(-1)!;
      return { issues: [{ factId: fact.decl.id, kind: 'pre-tax', yuan: m.yuan, said: said(m) }] };
    }
    // Items on different bases (设备不含税1200万；软件价税合计318万（6%）): the tax-inclusive ones are items of their
    // own, not the same item said twice (含税135.6万，税后120万 is one), so they are made tax-exclusive and added,
    // or asked about; never dropped.
    // Not the grand total of invoice lines (金额 + 税额 = 价税合计, worked out above), nor a whole followed by its
    // parts (价税合计1,017万元，其中…).
    const wholeAhead = (m: ReadMoney) =>
      /^[^。；;]{0,10}?(?:其中|包括|包含)/.test(
        `${byIndex.get(m.clause)!.text.slice(m.index + m.text.length)}，${byIndex.get(m.clause + 1)?.text ?? ''}`,
      );
    const taxTotal = money.filter((m) => m.role === 'tax').reduce((sum, m) => sum + m.yuan, 0);
    const rightTotal = right.reduce((sum, m) => sum + m.yuan, 0);
    const inclusive = pool.filter(
      (m) =>
        m.basis === wrong &&
        !wholeAhead(m) &&
        // The grand total of the invoices listed (their amounts plus their tax lines).
        !(taxTotal > 0 && m.yuan === rightTotal + taxTotal) &&
        !right.some((r) => m.yuan >= r.yuan && m.yuan <= Math.ceil(r.yuan * 1.14)),
    );
    if (
      fact.decl.taxBasis === 'excluding-tax' &&
      inclusive.length > 0 &&
      pool.filter((m) => m.basis === wrong).length === inclusive.length
    ) {
      const whole = clauses.map((c) => c.text).join('，');
      const listed = lang.additive.test(whole) || ITEMISED.test(whole) || /[；;]/.test(whole) || right.length + inclusive.length > 1;
      if (listed && !right.some((m) => m.total)) {
        const derived = withoutTax(inclusive, money, clauses);
        if (!derived) {
          const m = inclusive.at(-1)!;
          return { issues: [{ factId: fact.decl.id, kind: 'pre-tax', yuan: m.yuan, said: said(m) }] };
        }
        const last = [...right, ...inclusive].sort((a, b) => b.clause - a.clause)[0]!;
        return {
          value: {
            ...statedIn(byIndex.get(last.clause)!, fact.decl.id, right.reduce((sum, m) => sum + m.yuan, 0) + derived.yuan),
            said: `${right.map(said).join(' + ')} + ${derived.said}`,
          },
          issues,
        };
      }
    }
    pool = right;
    // Only figures read off an invoice with no word for which line: ask whether it is 价税合计 or 金额.
    const unclear = pool.filter((m) => m.invoiceBasisUnclear);
    if (unclear.length > 0 && unclear.length === pool.length) {
      const m = unclear.at(-1)!;
      return { issues: [{ factId: fact.decl.id, kind: 'invoice-basis', yuan: m.yuan, said: said(m) }] };
    }
  }
  const approximate = pool.find((m) => m.approximate);
  if (approximate && pool.every((m) => m.approximate)) {
    return {
      issues: [
        {
          factId: fact.decl.id,
          kind: 'approximate',
          yuan: approximate.yuan,
          ...(approximate.upToYuan !== undefined ? { upToYuan: approximate.upToYuan } : {}),
          said: said(approximate),
        },
      ],
    };
  }
  pool = pool.filter((m) => !m.approximate);
  // "总投入1000万，其中设备680万、软件120万、租金200万": parts that add up to a total given before them, some of
  // them not this fact (the rent): only the parts this fact names count.
  const itemised = partsOfTotal(candidates, byIndex);
  if (itemised) {
    const mine = itemised.parts.filter((m) => tied.includes(m) && m.role === 'stated');
    if (mine.length > 0 && mine.length < itemised.parts.length && mine.every((m) => !m.approximate && pool.includes(m))) {
      const first = byIndex.get(mine[0]!.clause)!;
      return {
        value: {
          ...statedIn(
            first,
            fact.decl.id,
            mine.reduce((sum, m) => sum + m.yuan, 0),
          ),
          said: `${mine.map(said).join(' + ')}（${itemised.total.text}中的这几项）`,
          clause: Math.max(...mine.map((m) => m.clause)),
        },
        issues,
      };
    }
  }
  const total = pool.filter(isTotal).at(-1);
  let value: number;
  let source: ReadMoney[];
  if (total) {
    value = total.yuan;
    source = [total];
  } else {
    // Several figures are items to add up (两张发票、设备和软件), except a repeat: one that refers back (这500万),
    // or the same figure said again with no label of its own ("是六百万 六百万").
    const labelOf = (m: ReadMoney) =>
      windowOf(m)
        .map((c) => c.text)
        .join('')
        .replace(m.text, '')
        .replace(/[\s，,。是的啊呢吧哈嗯]/g, '');
    source = pool.filter((m, i) => {
      if (m.anaphoric && pool.some((o) => o !== m && o.yuan === m.yuan)) return false;
      const earlier = pool.slice(0, i).find((o) => o.yuan === m.yuan);
      return !(earlier && labelOf(m) === '' && !lang.additive.test(labelOf(earlier)));
    });
    value = source.reduce((sum, m) => sum + m.yuan, 0);
    // Figures are added only when the message lists items: an adding word, 各/分别, numbering, or a count of
    // papers or machines (一台150万，一台250万). Two bare figures (买了49.8万 … 50万) may be one thing said twice
    // or one that is not the company's: the advisor asks rather than add them.
    const whole = clauses.map((c) => c.text).join('，');
    const listed = lang.additive.test(whole) || lang.distributive.test(whole) || ITEMISED.test(whole);
    // The same figure written twice (壹仟叁佰伍拾万元整（13,500,000.00元）) is one figure.
    if (source.length > 1 && !listed && source.every((m) => m.yuan === source[0]!.yuan)) {
      value = source[0]!.yuan;
      source = [source[0]!];
    }
    if (source.length > 1 && !listed) {
      return { issues: [{ factId: fact.decl.id, kind: 'several', yuan: source.at(-1)!.yuan, said: source.map(said).join('、') }] };
    }
  }
  // "再加一套软件300万，一共多少": a figure added to the one already known, when the message adds and asks the total.
  const said0 = source.map(said).join(' + ');
  let saidAll = said0;
  if (typeof known === 'number' && !total && source.every((m) => m.yuan !== known)) {
    const words = source.map((m) => byIndex.get(m.clause)!.text).join('，');
    if ((lang.additive.test(words) && lang.total.test(clauses.map((c) => c.text).join('，'))) || lang.addedPurchase.test(words)) {
      value += known;
      saidAll = `此前${formatYuan(known)} + ${said0}`;
    }
  }
  const first = byIndex.get(source[0]!.clause)!;
  const sharedBy = source.find((m) => shared.has(m));
  return {
    value: {
      factId: fact.decl.id,
      value,
      said: saidAll,
      clause: Math.max(...source.map((m) => m.clause)),
      hypothetical: source.some((m) => byIndex.get(m.clause)?.hypothetical) || first.hypothetical,
      how: 'stated',
      ...(sharedBy ? { among: `money:${sharedBy.clause}:${sharedBy.index}`, amongRank: shared.get(sharedBy)! } : {}),
    },
    issues,
  };
}

/**
 * A tax-inclusive figure made tax-exclusive with what the user stated alongside it: its tax line (价税合计
 * 113万，税额13万 → 100万) or the invoice's VAT rate (含税1130万，13个点的票 → 1130万 ÷ 1.13). Each inclusive figure
 * needs its own tax line, or one rate for all; otherwise nothing is derived and the answer asks.
 */
export function withoutTax(
  inclusive: readonly ReadMoney[],
  money: readonly ReadMoney[],
  clauses: readonly MessageClause[],
): { yuan: number; said: string } | undefined {
  const taxes = money.filter((m) => m.role === 'tax');
  const used = new Set<ReadMoney>();
  const parts: { yuan: number; said: string }[] = [];
  for (const m of inclusive) {
    // The nearest unused tax line within two clauses, smaller than the figure it is part of.
    const tax = taxes
      .filter((t) => !used.has(t) && Math.abs(t.clause - m.clause) <= 2 && t.yuan < m.yuan)
      .sort(
        (a, b) =>
          Math.abs(a.clause - m.clause) - Math.abs(b.clause - m.clause) || Math.abs(a.index - m.index) - Math.abs(b.index - m.index),
      )[0];
    if (!tax) break;
    used.add(tax);
    parts.push({ yuan: m.yuan - tax.yuan, said: `${m.text} − 税额${tax.text}` });
  }
  if (parts.length === inclusive.length && parts.length > 0) {
    return { yuan: parts.reduce((sum, p) => sum + p.yuan, 0), said: parts.map((p) => p.said).join(' + ') };
  }
  if (taxes.length > 0) return undefined;
  // Each figure with its own rate right after it (设备价税合计2260万（13%），软件106万（6%）): goods and services
  // invoices often carry different rates.
  const own = inclusive.map((m) => {
    const clause = clauses.find((c) => c.index === m.clause);
    const after = clause ? clause.text.slice(m.index + m.text.length, m.index + m.text.length + 10) : '';
    const at = /^\s?(?:元)?\s?[（(]?\s?(?:税率|税点)?\s?(\d{1,2})\s?[%％]/.exec(after);
    return at && VAT_RATES.has(Number(at[1])) ? Number(at[1]) : undefined;
  });
  if (inclusive.length > 1 && own.every((r) => r !== undefined) && new Set(own).size > 1) {
    const yuan = inclusive.reduce((sum, m, i) => sum + Math.floor((m.yuan * 100) / (100 + own[i]!)), 0);
    return {
      yuan,
      said: inclusive.map((m, i) => `${m.text}（含税）÷ ${(1 + own[i]! / 100).toFixed(2)}`).join(' + '),
    };
  }
  const rate = vatRate(clauses.map((c) => c.text).join('，'));
  if (rate === undefined) return undefined;
  // Whole yuan, rounded down: never more than the invoice's own tax-exclusive amount.
  const yuan = inclusive.reduce((sum, m) => sum + Math.floor((m.yuan * 100) / (100 + rate)), 0);
  return { yuan, said: `${inclusive.map((m) => m.text).join(' + ')}（含税）÷ ${(1 + rate / 100).toFixed(2)}` };
}

/** VAT rates in force (13%, 9%, 6%, small-scale 3% and 1%); another figure is not read as one. */
const VAT_RATES = new Set([13, 9, 6, 3, 1]);
const CN_DIGITS: Record<string, number> = { 一: 1, 三: 3, 六: 6, 九: 9, 十三: 13 };

/** The VAT rate a message gives for its invoices: 税率13%, 13个点的票, 十三个点, 13% VAT. */
export function vatRate(text: string): number | undefined {
  const m =
    /(?:税率|税点|增值税率|vat rate)\s*(?:均|都|全|全部|一律)?\s*(?:是|为|：|:)?\s*(\d{1,2}|十三|[一三六九])\s*(?:%|％|个点|点)?/i.exec(
      text,
    ) ??
    /(\d{1,2}|十三|[一三六九])\s*(?:个点|个税点|点)(?:的)?(?:票|专票|增值税|税)/.exec(text) ??
    /(\d{1,2})\s*(?:%|％)\s*(?:的)?(?:票|专票|增值税|税率|vat)/i.exec(text);
  if (!m) return undefined;
  const rate = /\d/.test(m[1]!) ? Number(m[1]) : CN_DIGITS[m[1]!];
  return rate !== undefined && VAT_RATES.has(rate) ? rate : undefined;
}

// An event said to have just happened (刚评上、最近被认定为、才拿到): this year, said so in the answer.
const RECENT_EVENT =
  /(?:刚刚|刚|才刚|才|最近|新近)(?:被|又|也)?(?:评上|评为|认定|获评|拿到|入选|成为|升级|晋级|晋升|通过认定)|just (?:been )?(?:recognised|recognized|became|got)|recently (?:recognised|recognized|became)/;

/** The year of an event the clause says just happened, with no year of its own: the current one, as an assumption. */
function recentYear(clause: MessageClause, asOf: string): { year: number; said: string } | undefined {
  if (!RECENT_EVENT.test(clause.text)) return undefined;
  return { year: Number(asOf.slice(0, 4)), said: `${clause.text}（未说年份，按今年计）` };
}

/**
 * A total followed by its parts (其中、包括、分别是 after it), or parts followed by their total (……；合计150万), that
 * add up to it exactly: the total and the parts, or undefined. Only figures the company states (not claims, taxes or thresholds) take part.
 */
function partsOfTotal(
  money: readonly ReadMoney[],
  byIndex: ReadonlyMap<number, MessageClause>,
): { total: ReadMoney; parts: ReadMoney[] } | undefined {
  const own = money.filter((m) => m.role === 'stated');
  for (const [i, total] of own.entries()) {
    const rest = own.slice(i + 1);
    const opener = rest[0] && byIndex.get(rest[0].clause);
    if (!opener || !/其中|包括|包含|分别是|分别为|含/.test(`${byIndex.get(total.clause)!.text.slice(total.index)}，${opener.text}`))
      continue;
    let sum = 0;
    for (const [j, m] of rest.entries()) {
      sum += m.yuan;
      if (sum === total.yuan && j >= 1) return { total, parts: rest.slice(0, j + 1) };
      if (sum > total.yuan) break;
    }
  }
  // The parts listed first, then their total (……；合计150万).
  for (const [i, total] of own.entries()) {
    if (!total.total || i < 2) continue;
    let sum = 0;
    for (let j = i - 1; j >= 0; j--) {
      sum += own[j]!.yuan;
      if (sum === total.yuan && i - j >= 2) return { total, parts: own.slice(j, i) };
      if (sum > total.yuan) break;
    }
  }
  return undefined;
}

/** A message that lists items: ①②, 1. 2., 第一/第二, or a count of papers or machines (三张发票、两台设备). */
const ITEMISED =
  /[①②③④⑤⑥⑦⑧⑨]|(?:^|[\s，。；\n])\d[.、)）]|(?:发票|合同|凭证|项目|订单)\s?[\d一二三四五六七八九]|第[一二三四五]|[一两二三四五六七八九十\d]+\s?(?:张|台|套|笔|批|项|份|个项目)/;

/** Words that take back what a fact was said to be: 不算了、取消了、不要了、作废、没买成. */
const FACT_WITHDRAWN = /不算了?|取消了|不要了|作废|去掉|不用算|没买成|退掉了|退货了|cancel(?:led|ed)?/;

/** The company's own statement before a short name: 我们是、我司属于、去年评的、评上了、拿了. */
const OWN_BEFORE =
  /(?:我们|我司|我公司|本公司|公司|企业|咱们|我们公司)(?:[^，。]{0,8}?(?:是|属于|算|评的|评上了?|评了|认定的|认定了|拿了|拿的|获评))?$|^(?:是|属于|评的|评上了?|评了|认定的)$/;

/** Short names (aliases) of enum options the company says it has, one per fact, in the facts' order. */
/** The short names (aliases, normalised) of an enum fact's options. */
function enumNames(terms: BaseTerms, factId: string): Set<string> {
  const fact = terms.facts.get(factId);
  if (!fact || fact.decl.type !== 'enum') return new Set();
  return new Set(fact.options.flatMap((o) => o.replies.map((r) => r.replace(/[，。“”\s]/g, '').toLowerCase())));
}

function ownShortNames(
  clauses: readonly MessageClause[],
  terms: BaseTerms,
  options: ReadFactsOptions,
): { fact: StatedFact; name: string }[] {
  const inPlay = new Set([...(options.conversationFacts ?? []), ...(options.correctable ?? [])]);
  const facts = [...terms.facts.values()].filter((f) => f.decl.type === 'enum');
  // Facts the conversation is about come first; the rest in the order the base asks for them.
  facts.sort((a, b) => Number(inPlay.has(b.decl.id)) - Number(inPlay.has(a.decl.id)));
  const out: { fact: StatedFact; name: string }[] = [];
  const claimed = new Set<string>();
  for (const clause of clauses) {
    if (clause.hypothetical || clause.question) continue;
    for (const fact of facts) {
      for (const option of fact.options) {
        for (const name of option.replies.map((r) => r.replace(/[，。“”\s]/g, '').toLowerCase()).filter((n) => [...n].length >= 2)) {
          const at = clause.text.indexOf(name);
          const key = `${clause.index}:${at}:${name}`;
          if (at < 0 || claimed.has(key) || !OWN_BEFORE.test(clause.text.slice(Math.max(0, at - 14), at))) continue;
          // The name is the end of what is said (省级的、省级，), not the start of a longer term (省级集群).
          if (!/^(?:的|了|啦|呀|啊)?(?:[，。,.!！?？\s]|$)/.test(clause.text.slice(at + name.length))) continue;
          claimed.add(key);
          if (!out.some((o) => o.fact.factId === fact.decl.id)) out.push({ fact: statedIn(clause, fact.decl.id, option.value), name });
        }
      }
    }
  }
  return out;
}

/** Words right before a short name that deny it of the company: 还不是、并不是、也不是、没评上. */
const DENIED_BEFORE = /(?:还|并|也|都|其实)?(?:不是|不算|并非|没评上|没有评上|没认定|未认定)$/;

/** The option of an enum fact a message names by a short name and calls a mistake (国家级是我搞错了) or denies. */
function mistakenOption(factId: string, clauses: readonly MessageClause[], terms: BaseTerms): DeniedFact | undefined {
  const fact = terms.facts.get(factId);
  if (!fact || fact.decl.type !== 'enum') return undefined;
  const names = fact.options
    .flatMap((o) => o.replies.map((name) => ({ value: o.value, name: name.replace(/[，。“”\s]/g, '').toLowerCase() })))
    .filter((n) => n.name.length >= 2)
    .sort((a, b) => b.name.length - a.name.length);
  for (const clause of clauses) {
    if (clause.source !== 'own') continue;
    for (const n of names) {
      const at = clause.text.indexOf(n.name);
      if (at < 0) continue;
      // Called a mistake after the name (国家级是我搞错了), or denied right before it (我们还不是国家级).
      if (MISTAKEN_AFTER.test(clause.text.slice(at + n.name.length)) || DENIED_BEFORE.test(clause.text.slice(Math.max(0, at - 6), at)))
        return { factId, value: n.value, said: clause.text };
    }
  }
  return undefined;
}

const YES_REPLY = /^(?:是|是的|对|对的|有|有的|已经|嗯|确认|已获得|拿过|在|在的|还在|没错|yes|yep|yeah|right)/;
const NO_REPLY = /^(?:不是|否|没有|没|无|还没|未|不在|过期|过期了|不|no|nope|not)/;

/** A short reply to the question the advisor asked: an option's label or alias, yes/no, a figure, a year. */
function replyTo(
  factId: string,
  clauses: readonly MessageClause[],
  money: readonly ReadMoney[],
  terms: BaseTerms,
  lang: Language,
  asOf: string,
): StatedFact | undefined {
  const fact = terms.facts.get(factId);
  const text = clauses
    .filter((c) => c.source === 'own')
    .map((c) => c.text)
    .join('，');
  if (!fact || text === '') return undefined;
  const reply = text.replace(/[，。！？,.!?\s]/g, '');
  const make = (value: FactValue, said: string): StatedFact => ({
    factId,
    value,
    said,
    clause: clauses.length - 1,
    hypothetical: false,
    how: 'reply',
  });
  switch (fact.decl.type) {
    case 'boolean':
      if (NO_REPLY.test(reply)) return make(false, text);
      if (YES_REPLY.test(reply)) return make(true, text);
      return undefined;
    case 'money': {
      const m = money.find((x) => x.role === 'stated' && !x.approximate);
      return m ? make(m.yuan, m.text) : undefined;
    }
    case 'year': {
      const year = yearOf(text, asOf);
      return year !== undefined ? make(year, yearsIn(text, asOf)[0]?.text ?? text) : undefined;
    }
    case 'integer': {
      // "12件", "十二", "五百平方": with the fact's unit if written, else a bare number.
      const count = findCounts(reply, unitsOf(fact, lang))[0] ?? findCounts(`${reply}#`, ['#'])[0];
      if (count) return make(count.value, count.text.replace('#', ''));
      const n = /\d+/.exec(reply);
      return n ? make(Number(n[0]), n[0]) : undefined;
    }
    case 'date': {
      const day = findDays(text, asOf)[0];
      return day ? make(day.day, day.text) : undefined;
    }
    case 'enum': {
      // Longest label or alias first, so 国家级称号 wins over 国家级; a negated one (不是省级) is no answer.
      const names = fact.options
        .flatMap((o) => o.replies.map((name) => ({ value: o.value, name: name.replace(/[，。“”\s]/g, '').toLowerCase() })))
        .sort((a, b) => b.name.length - a.name.length);
      // An option the reply names (是省级的) wins over a bare negative reply (不是) in the same message: "是省级
      // 的，不是国家级" says which option holds, its 不是 only withdraws the other.
      const bare = (name: string) => lang.negators.find(name).some((m) => m.end - m.start === name.length);
      for (const pass of [false, true]) {
        for (const n of names) {
          if (bare(n.name) !== pass) continue;
          const at = reply.indexOf(n.name);
          if (at < 0) continue;
          if (lang.negators.find(reply.slice(Math.max(0, at - 3), at)).length > 0) continue;
          if (MISTAKEN_AFTER.test(reply.slice(at + n.name.length))) continue;
          return make(n.value, n.name);
        }
      }
      return undefined;
    }
  }
}
