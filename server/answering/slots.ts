import { findMoneyMentions, type MoneyMention } from '../../knowledge/text/money.js';
import type { FactDeclaration } from '../../knowledge/rules/rules-schema.js';

/** Facts known about the asker's company, by the calculator's fact ids. */
export type Facts = Record<string, string | number | boolean>;

/** The award topics a question can be about; each maps to calculator rules. */
export type AwardTopic = 'equipment' | 'contest' | 'recognition' | 'cluster';

export interface Extraction {
  facts: Facts;
  topics: AwardTopic[];
  /** The question speaks of the asker's own company (我们、我司…) or gives facts about it. */
  aboutOwnCompany: boolean;
  /** The question asks for an amount (多少、能补、能拿…). */
  asksAmount: boolean;
  /** The question asks for the policy's general limit (最多、上限、封顶、比例). */
  asksLimit: boolean;
  /** The message asks something; otherwise it states facts (我们是省级专精特新，买了150万的设备). */
  isQuestion: boolean;
}

const NEGATED = /(不是|还不是|并非|没有|没|未|尚未|不算)$/;
const OWN_COMPANY =
  /我们|我司|我公司|本公司|我厂|咱们|咱|我家|我单位|本企业|我方|我们厂|我这|我的公司|我企业|我是|我刚|我今年|我投|我买|我拿/;
const ASKS_AMOUNT =
  /多少(?![家条名个人项年天次])|几万|几十万|能补|能拿|能领|能奖|能给|能申请|可以申请|能不能申请|给多少|有钱|钱|金额|补吗|奖吗|有[^，。]{0,5}(补贴|补助|奖励|奖金)吗|是不是\d|是[\d一二三四五六七八九十百千]+万?元?吗|哪些奖补|什么奖补|能给什么|拿什么/;
/** The company did something the awards are for: bought, invested, won, was recognised. */
const ACTION = /买了|投了|花了|购置了|添置了|采购了|拿了|得了|获得了|得奖|获奖了|评上了|认定了|认定为|被认定|入选了/;
/** A question mark or question word: without one, a message is a statement of facts. */
const QUESTION = /[？?]|吗|呢|什么|怎么|如何|是否|哪|多少|几|还是|是不是|有没有|能不能|可不可以|可以吗|啥/;
const ASKS_LIMIT = /最多|最高|上限|封顶|比例|按多少|百分之|几个点|标准是/;

const INVESTMENT_WORDS = /设备|软件|投资|投入|花了|买了|投了|购置/;

const PRIZE_RANKS: [string, RegExp][] = [
  ['first', /一等奖/],
  ['second', /二等奖/],
  ['third', /三等奖/],
];

const TOPIC_PATTERNS: Record<AwardTopic, RegExp> = {
  equipment: /设备|软件|机器|机床|产线|生产线|购置|投资|投入|技改/,
  contest: /创客|大赛|分赛|比赛|一等奖|二等奖|三等奖|获奖|得奖|拿奖/,
  recognition: /新认定|认定|评上|评为|获评|入选|刚成为|升级为|晋级|新晋/,
  cluster: /集群/,
};

const globalVersions = new WeakMap<RegExp, RegExp>();

/** The same pattern with the g flag, compiled once (matchAll needs it; compiling on every call is costly). */
function globalVersion(pattern: RegExp): RegExp {
  let global = globalVersions.get(pattern);
  if (!global)
    globalVersions.set(pattern, (global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)));
  return global;
}

/** Position-aware match: the pattern occurs somewhere not directly negated (我们不是小巨人). */
function affirmed(text: string, pattern: RegExp): boolean {
  const global = globalVersion(pattern);
  for (const m of text.matchAll(global)) {
    if (!NEGATED.test(text.slice(Math.max(0, m.index - 4), m.index))) return true;
  }
  return false;
}

function yearOf(text: string, asOf: string, known: Facts = {}): number | undefined {
  const asOfYear = Number(asOf.slice(0, 4));
  const explicit = /(20\d{2})\s*年/.exec(text);
  if (explicit) return Number(explicit[1]);
  if (/同一年|同年|同一年度|同一个年度/.test(text)) {
    const earlier = [known.provincialRecognitionYear, known.nationalRecognitionYear].find((y) => typeof y === 'number');
    if (typeof earlier === 'number') return earlier;
  }
  if (/上个月|上月/.test(text)) return asOf.slice(5, 7) === '01' ? asOfYear - 1 : asOfYear;
  if (/今年|本年|刚刚|刚|最近|这次|本月|这个月/.test(text)) return asOfYear;
  if (/去年|上一年/.test(text)) return asOfYear - 1;
  if (/前年/.test(text)) return asOfYear - 2;
  return undefined;
}

const NATIONAL = /小巨人|国家级专精特新|国家级的专精特新|国家专精特新/;
const PROVINCIAL = /省级专精特新|省专精特新|省级的专精特新|省级专精|省级中小企业(?!特色)/;
const INNOVATIVE = /创新型中小企业|创新型企业|创新型/;
const NO_STATUS =
  /(不是|还不是|没有|没评上|还没评上|没评过|未评上|没被评为|没有评上|没申报过)(任何)?(专精特新|资质)|没有资质|无资质|普通(的)?(小|中小|小微)?企业/;

/** What a message's text says by itself, whatever the conversation: worked out once per text. */
export interface TextReading {
  topics: AwardTopic[];
  /** The text with a cluster's level taken out (国家级…集群 is not the company's status). */
  statusText: string;
  level?: string;
  /** The text speaks of a recognition (新认定、评上…): years are read against the conversation. */
  speaksOfRecognition: boolean;
  statusValid?: boolean;
  provincialEquipmentSubsidyReceived?: boolean;
  /** The amount the company invested, if the text names one (taken only in an equipment context). */
  investmentYuan?: number;
  /** 花了、买了、投了…: an amount in this text is an investment whatever the conversation. */
  saysSpent: boolean;
  contestPrize?: string;
  clusterLevel?: string;
  ownCompanyWords: boolean;
  ownByLevel: boolean;
  asksAmount: boolean;
  isQuestion: boolean;
  asksLimit: boolean;
}

/** Reads what the text states on its own (pure; the advisor memoises it with the question). */
export function readFactText(text: string, moneyMentions?: MoneyMention[]): TextReading {
  const mentionsCluster = /集群/.test(text);
  // 集群新认定为国家级… : the recognition is the cluster's, not the company's status.
  const topics = (Object.keys(TOPIC_PATTERNS) as AwardTopic[]).filter(
    (t) => TOPIC_PATTERNS[t].test(text) && !(t === 'recognition' && mentionsCluster && !/小巨人|专精特新/.test(text)),
  );

  // Status held. A cluster's level (国家级中小企业特色产业集群) is not the company's.
  const statusText = mentionsCluster ? text.replace(/(国家级|省级)(的)?(中小企业)?(特色产业)?集群/g, '集群') : text;
  let level: string | undefined;
  if (NO_STATUS.test(statusText)) level = 'none';
  if (affirmed(statusText, INNOVATIVE)) level = 'innovative';
  if (affirmed(statusText, PROVINCIAL)) level = 'provincial';
  if (affirmed(statusText, NATIONAL)) level = 'national';

  let statusValid: boolean | undefined;
  if (/(过期|失效|到期了|超过有效期|过了有效期)/.test(text) && /资质|资格|专精特新|小巨人|认定/.test(text)) statusValid = false;
  else if (/(在|仍在|还在)有效期/.test(text)) statusValid = true;

  let provincialEquipmentSubsidyReceived: boolean | undefined;
  if (
    /省(里|级|财政)?[^，。]{0,8}(已经|已)?(给过|补过|拿过|补贴过|补助过|享受过|领过)|已(经)?(获|拿|领|享受)(过|了)?省(里|级|财政)?[^，。]{0,6}(补贴|补助)|省里(的)?(补贴|补助)(已经)?(拿|领|给)(过|了)/.test(
      text,
    )
  ) {
    provincialEquipmentSubsidyReceived = true;
  } else if (/(没有|没|未|还没)(拿|领|获得|享受|申请)?(过)?省(里|级|财政)?[^，。]{0,6}(补贴|补助)|省里没(补|给)/.test(text)) {
    provincialEquipmentSubsidyReceived = false;
  }

  // The investment: an amount spoken of with equipment or investment words, not a subsidy already received.
  const mentions = (moneyMentions ?? findMoneyMentions(text)).filter(
    (m) =>
      !/^(的)?(补贴|补助|奖励|奖金)/.test(text.slice(m.index + m.text.length, m.index + m.text.length + 3)) &&
      !/(含税|税前)[是为]?$/.test(text.slice(Math.max(0, m.index - 4), m.index)),
  );
  let investmentYuan: number | undefined;
  if (mentions.length > 0) {
    const afterTax = mentions.find((m) => /税后[是为]?$/.test(text.slice(Math.max(0, m.index - 4), m.index)));
    const additive = mentions.length > 1 && /又|另外|还买|加上|以及|再加/.test(text);
    if (afterTax) investmentYuan = afterTax.yuan;
    else if (additive) investmentYuan = mentions.reduce((sum, m) => sum + m.yuan, 0);
    else {
      const near = mentions
        .map((m) => ({ m, distance: distanceToKeyword(text, m.index, INVESTMENT_WORDS) }))
        .sort((a, b) => a.distance - b.distance);
      investmentYuan = near[0]!.m.yuan;
    }
  }

  // One rank is the company's prize; several (一二三等奖) are a question about the table.
  const ranks = PRIZE_RANKS.filter(([, pattern]) => pattern.test(text)).map(([rank]) => rank);
  let contestPrize = /一二三等奖|一、二、三等奖/.test(text) || ranks.length !== 1 ? undefined : ranks[0];
  if (!contestPrize && /(没|未)(获|得|拿)(到)?奖|优秀奖|入围奖|参与奖/.test(text) && topics.includes('contest')) contestPrize = 'none';

  let clusterLevel: string | undefined;
  if (mentionsCluster) {
    if (/国家级(的)?(中小企业)?(特色产业)?集群|集群[^，。]{0,10}国家级/.test(text)) clusterLevel = 'national';
    else if (/省级(的)?(中小企业)?(特色产业)?集群|集群[^，。]{0,10}省级/.test(text)) clusterLevel = 'provincial';
    else if (/市级/.test(text)) clusterLevel = 'none';
  }

  // "小巨人买设备能补多少": one status named and a quantity asked is the asker's own case; "分别奖多少" for
  // several statuses, or "能申请吗", is a question about the rule.
  const levelsNamed = [NATIONAL, PROVINCIAL, INNOVATIVE].filter((p) => p.test(statusText)).length;
  return {
    topics,
    statusText,
    level,
    speaksOfRecognition: TOPIC_PATTERNS.recognition.test(statusText),
    statusValid,
    provincialEquipmentSubsidyReceived,
    investmentYuan,
    saysSpent: /花了|买了|投了|投入|共计|一共/.test(text),
    contestPrize,
    clusterLevel,
    ownCompanyWords: OWN_COMPANY.test(text) || ACTION.test(text),
    ownByLevel: levelsNamed === 1 && /多少(?![家条名个人项年天次])|几万/.test(text) && !/分别|各/.test(text),
    asksAmount: ASKS_AMOUNT.test(text),
    isQuestion: QUESTION.test(text),
    asksLimit: ASKS_LIMIT.test(text),
  };
}

/**
 * Reads the facts a message states about the asker's company. `pending` is the fact the advisor asked for
 * last; a short reply ("省级", "500万", "一等奖", "没有") answers it. `reading` is `readFactText(text)`,
 * when the caller has it already.
 */
export function extractFacts(
  text: string,
  options: {
    asOf: string;
    declarations: FactDeclaration[];
    pending?: string;
    conversationTopics?: AwardTopic[];
    known?: Facts;
    /** The text's money mentions, when the caller has found them already. */
    moneyMentions?: MoneyMention[];
    reading?: TextReading;
  },
): Extraction {
  const reading = options.reading ?? readFactText(text, options.moneyMentions);
  const { topics, statusText } = reading;
  const facts: Facts = {};
  if (reading.level !== undefined) facts.level = reading.level;

  // Newly recognised: each level takes the year said in its own clause (2025年省级…，2026年小巨人…).
  if (reading.speaksOfRecognition) {
    const wholeYear = yearOf(statusText, options.asOf, options.known);
    for (const segment of statusText.split(/[，；。,;]/)) {
      // 复核 or 过期 is not a recognition: a year attaches only where the clause says the status was obtained.
      if (!/新认定|认定|评上|评为|获评|入选|成为|升级为|晋级|新晋|就是/.test(segment)) continue;
      const year = yearOf(segment, options.asOf, { ...options.known, ...facts }) ?? wholeYear;
      if (year === undefined) continue;
      if (affirmed(segment, NATIONAL)) facts.nationalRecognitionYear = year;
      if (affirmed(segment, PROVINCIAL)) facts.provincialRecognitionYear = year;
    }
  }

  if (reading.statusValid !== undefined) facts.statusValid = reading.statusValid;
  if (reading.provincialEquipmentSubsidyReceived !== undefined)
    facts.provincialEquipmentSubsidyReceived = reading.provincialEquipmentSubsidyReceived;

  // In a conversation about equipment, a bare amount ("不对，是800万", "换成3000万呢") corrects the investment.
  const equipmentContext = topics.includes('equipment') || (topics.length === 0 && options.conversationTopics?.includes('equipment'));
  if (reading.investmentYuan !== undefined && (equipmentContext || options.pending === 'investmentYuan' || reading.saysSpent)) {
    facts.investmentYuan = reading.investmentYuan;
  }
  if (reading.contestPrize !== undefined) facts.contestPrize = reading.contestPrize;
  if (reading.clusterLevel !== undefined) facts.clusterLevel = reading.clusterLevel;

  if (options.pending && facts[options.pending] === undefined) {
    const answer = answerToPending(text, options.pending, options.declarations, options.asOf, options.moneyMentions);
    if (answer !== undefined) facts[options.pending] = answer;
  }

  // A level alone ("创新型中小企业能申请吗") is a general question; an amount, prize or year is the asker's own case.
  const specific = ['investmentYuan', 'contestPrize', 'clusterLevel', 'nationalRecognitionYear', 'provincialRecognitionYear'].some(
    (f) => facts[f] !== undefined,
  );
  return {
    facts,
    topics,
    aboutOwnCompany:
      reading.ownCompanyWords || specific || reading.ownByLevel || (options.pending !== undefined && Object.keys(facts).length > 0),
    asksAmount: reading.asksAmount,
    isQuestion: reading.isQuestion,
    asksLimit: reading.asksLimit,
  };
}

function distanceToKeyword(text: string, index: number, keyword: RegExp): number {
  const global = globalVersion(keyword);
  let best = Number.POSITIVE_INFINITY;
  for (const m of text.matchAll(global)) best = Math.min(best, Math.abs(m.index - index));
  return best;
}

/** A short reply to the question the advisor asked last: option labels and aliases, yes/no, a year, an amount. */
function answerToPending(
  text: string,
  factId: string,
  declarations: FactDeclaration[],
  asOf: string,
  moneyMentions?: MoneyMention[],
): string | number | boolean | undefined {
  const declaration = declarations.find((d) => d.id === factId);
  if (!declaration) return undefined;
  const reply = text.replace(/[，。！？,.!?\s]/g, '');
  switch (declaration.type) {
    case 'boolean':
      if (/^(是|是的|对|对的|有|有的|已经|嗯|确认|已获得|拿过|在)/.test(reply)) return true;
      if (/^(不是|否|没有|没|无|还没|未|不在|过期)/.test(reply)) return false;
      return undefined;
    case 'money':
      return (moneyMentions ?? findMoneyMentions(text))[0]?.yuan;
    case 'year':
      return yearOf(text, asOf);
    case 'integer': {
      const n = /\d+/.exec(reply);
      return n ? Number(n[0]) : undefined;
    }
    case 'enum': {
      const options = declaration.options ?? [];
      // Longest label or alias first, so 国家级小巨人 wins over 国家级.
      const candidates = options
        .flatMap((o) => [o.label, ...(o.aliases ?? [])].map((name) => ({ value: o.value, name })))
        .sort((a, b) => b.name.length - a.name.length);
      return candidates.find((c) => reply.includes(c.name.replace(/[，。“”\s]/g, '')))?.value;
    }
    default:
      return undefined;
  }
}
