import nzhcn from 'nzh/cn';

/**
 * Money parsing and formatting shared by the whole product.
 *
 * Amounts are integer yuan. Chinese numerals are decoded by `nzh`; this module only adds the glue the
 * library does not do: variant characters (两, 伍佰, 萬), mixing Arabic digits with 万/亿, colloquial
 * abbreviations (一万二 = 12000), and a strict check that a Chinese numeral is well formed — `nzh` itself
 * is lenient (it reads 一零 as 1), and a money parser must refuse what it cannot read exactly.
 */

export interface MoneyMention {
  /** The mention exactly as it appears in the text, unit included (`100萬元`). */
  text: string;
  /** Index of the mention in the original text (UTF-16 units). */
  index: number;
  /** The amount; for a range (100-200万) its lower end. */
  yuan: number;
  /** Not an exact figure: a range or a rough amount (八十来万, 一百多万, 100-200万). */
  approximate?: true;
  /** The upper end of a range. */
  upToYuan?: number;
}

/**
 * One-to-one character substitutions, so that indices in the mapped text are indices in the original:
 * full-width ASCII, traditional forms, financial (大写) digits, 两 and 〇.
 */
const CHAR_MAP: Record<string, string> = {
  萬: '万',
  億: '亿',
  兩: '二',
  两: '二',
  俩: '二',
  〇: '零',
  壹: '一',
  贰: '二',
  貳: '二',
  叁: '三',
  參: '三',
  肆: '四',
  伍: '五',
  陆: '六',
  陸: '六',
  柒: '七',
  捌: '八',
  玖: '九',
  拾: '十',
  佰: '百',
  仟: '千',
  圓: '圆',
  塊: '块',
  點: '点',
  '\u3000': ' ',
};

/** The characters `mapChars` changes: full-width ASCII and the variants in CHAR_MAP. */
const MAPPED_CHARS = new RegExp(
  `[\\uff01-\\uff5e${Object.keys(CHAR_MAP)
    .join('')
    .replace(/[\\\]^-]/g, '\\$&')}]`,
  'gu',
);

/** Full-width ASCII to half-width and variant characters to their usual form, one for one (offsets are kept). */
// 參 (financial three) becomes 参 once Traditional text is simplified, and 参 is an everyday character (参加、参考):
// it is a digit only right before a unit of a written-out amount (参佰萬 → 参佰万).
const SIMPLIFIED_FINANCIAL_THREE = /参(?=[拾佰仟十百千万萬亿億])/g;

function mapChars(text: string): string {
  // The expression visits only the characters to change; the rest of the text is copied in one piece.
  return text.replace(SIMPLIFIED_FINANCIAL_THREE, '三').replace(MAPPED_CHARS, (ch) => {
    const code = ch.charCodeAt(0);
    return ch.length === 1 && code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : (CHAR_MAP[ch] ?? ch);
  });
}

const CN_DIGITS = '零一二三四五六七八九';
const CN_SMALL_UNIT_NEXT: Record<string, string> = { 千: '百', 百: '十' };

/** An exact decimal: value = n / 10^scale. */
interface Decimal {
  n: bigint;
  scale: number;
}

const ZERO: Decimal = { n: 0n, scale: 0 };
const WAN = 10_000n;
const YI = 100_000_000n;

function pow10(k: number): bigint {
  return 10n ** BigInt(k);
}

function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { n: a.n * pow10(scale - a.scale) + b.n * pow10(scale - b.scale), scale };
}

function mul(a: Decimal, factor: bigint): Decimal {
  return { n: a.n * factor, scale: a.scale };
}

function isInteger(d: Decimal): boolean {
  return d.n % pow10(d.scale) === 0n;
}

function lessThan(d: Decimal, limit: bigint): boolean {
  return d.n < limit * pow10(d.scale);
}

/** Parses a Chinese integer numeral (no 万/亿) strictly: only forms `nzh` itself would write are accepted. */
function parseChineseSection(raw: string): bigint | null {
  if (!/^[零一二三四五六七八九十百千]+$/.test(raw)) return null;
  // Colloquial 一千五 / 三百五: a last digit right after 千/百 counts in the next lower unit.
  const colloquial = /^(.*[一二三四五六七八九])([千百])([一二三四五六七八九])$/.exec(raw);
  const text = colloquial ? `${raw}${CN_SMALL_UNIT_NEXT[colloquial[2]!]}` : raw;
  let value: number;
  try {
    value = Number(nzhcn.decodeS(text));
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(value)) return null;
  const accepted = [nzhcn.encodeS(value, { tenMin: true }), nzhcn.encodeS(value, { tenMin: false })];
  return accepted.includes(text) ? BigInt(value) : null;
}

/**
 * A coefficient is what stands before 万/亿 (or alone): Arabic `1.5`, `5千`, `3百`, Chinese `一千五百`,
 * `一点五`.
 */
function parseCoefficient(raw: string): Decimal | null {
  const arabic = /^(\d+)(?:\.(\d+))?([千百])?$/.exec(raw);
  if (arabic) {
    const [, intPart, frac = '', unit] = arabic;
    let d: Decimal = { n: BigInt(intPart! + frac), scale: frac.length };
    if (unit === '千') d = mul(d, 1000n);
    if (unit === '百') d = mul(d, 100n);
    return d;
  }
  const chineseDecimal = /^([零一二三四五六七八九十百千]+)点([零一二三四五六七八九]+)$/.exec(raw);
  if (chineseDecimal) {
    const intPart = parseChineseSection(chineseDecimal[1]!);
    if (intPart === null) return null;
    const fracDigits = [...chineseDecimal[2]!].map((c) => CN_DIGITS.indexOf(c)).join('');
    return { n: intPart * pow10(fracDigits.length) + BigInt(fracDigits), scale: fracDigits.length };
  }
  const chinese = parseChineseSection(raw);
  return chinese === null ? null : { n: chinese, scale: 0 };
}

function isSingleDigit(raw: string): boolean {
  return /^[1-9一二三四五六七八九]$/.test(raw);
}

/**
 * The part after a 万 or 亿: a leading 零 marks a gap (一万零五 = 10005), a lone digit is colloquial for
 * the next lower unit (一万二 = 12000, 1亿5 = 1.5亿).
 */
function parseRemainder(raw: string, unit: bigint): Decimal | null {
  if (raw === '') return ZERO;
  if (raw.startsWith('零')) {
    const rest = parseCoefficient(raw.slice(1));
    return rest && isInteger(rest) ? rest : null;
  }
  if (isSingleDigit(raw)) {
    const digit = BigInt(/\d/.test(raw) ? Number(raw) : CN_DIGITS.indexOf(raw));
    return { n: digit * (unit / 10n), scale: 0 };
  }
  // 1亿5000 is too ambiguous to read (1亿5000万 was probably meant); only 万 takes a plain remainder.
  if (unit !== WAN) return null;
  const rest = parseCoefficient(raw);
  return rest && isInteger(rest) && lessThan(rest, WAN) ? rest : null;
}

/** `[A 亿][B 万][C]`, where A may itself contain 万 (一万亿). */
function parseComposite(raw: string, allowYi: boolean): Decimal | null {
  if (raw === '') return null;
  const yi = raw.indexOf('亿');
  if (yi >= 0) {
    if (!allowYi) return null;
    const high = parseComposite(raw.slice(0, yi), false);
    if (!high) return null;
    const rest = raw.slice(yi + 1);
    if (rest === '') return mul(high, YI);
    if (!isInteger(high)) return null;
    const restText = rest.startsWith('零') ? rest.slice(1) : rest;
    let low: Decimal | null;
    if (restText.includes('万')) {
      low = parseComposite(restText, false);
      if (low && !lessThan(low, YI)) return null;
    } else {
      low = parseRemainder(rest, YI);
    }
    return low ? add(mul(high, YI), low) : null;
  }
  const wan = raw.indexOf('万');
  if (wan >= 0) {
    const high = parseCoefficient(raw.slice(0, wan));
    if (!high) return null;
    const rest = raw.slice(wan + 1);
    if (rest === '') return mul(high, WAN);
    if (!isInteger(high)) return null;
    const low = parseRemainder(rest, WAN);
    return low ? add(mul(high, WAN), low) : null;
  }
  return parseCoefficient(raw);
}

function toYuan(d: Decimal): number | null {
  // Fractions of a yuan (角/分) are rounded half up: every amount in the product is whole yuan.
  const divisor = pow10(d.scale);
  const yuan = (d.n * 2n + divisor) / (2n * divisor);
  return yuan <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(yuan) : null;
}

/** Drops digit-grouping commas, but only where they group thousands correctly (5,000,000). */
function stripGroupingCommas(text: string): string | null {
  const out = text.replace(/\d{1,3}(?:,\d{3})+(?!\d)/g, (m) => m.replace(/,/g, ''));
  return out.includes(',') ? null : out;
}

/**
 * Parses one money expression to integer yuan, or null when it is not one (or not exactly readable).
 * A bare number is taken as yuan: the question that asked for it names the unit.
 * Examples: `500万`, `5,000,000元`, `2,500,000 元`, `6 800 000元`, `伍佰万元`, `1.5亿`, `300w`, `350个w`,
 * `1.2kw` (千万), `50k`, `RMB 4.52m`, `30 million yuan`, `1亿2000万`, `￥1,200`, `一万二`.
 */
export function parseMoney(input: string): number | null {
  let s = mapChars(input).trim().toLowerCase();
  s = s.replace(/^(?:[¥￥]|人民币|rmb|cny)\s*/, '');
  s = s.replace(/\s*(?:元整|元|块钱|块|圆整|圆|yuan|rmb|cny)$/, '');
  // Digits grouped by spaces (6 800 000), then any other spacing.
  s = s.replace(/\d{1,3}(?: \d{3})+(?!\d)/g, (m) => m.replace(/ /g, ''));
  s = s.replace(/\s+/g, '');
  // Chat units after digits or spoken numerals alike: 350个w, 二百八十个w.
  const latin =
    /^(\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|[零一二三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?)个?(kw|w|k|m|million|bn|billion)$/.exec(
      s,
    );
  if (latin) {
    const factor = LATIN_UNITS[latin[2]!]!;
    const base = stripGroupingCommas(latin[1]!);
    if (base === null) return null;
    const value = parseCoefficient(base);
    return value === null ? null : toYuan(mul(value, factor));
  }
  const noCommas = stripGroupingCommas(s);
  if (noCommas === null || noCommas === '') return null;
  const value = parseComposite(noCommas, true);
  return value === null ? null : toYuan(value);
}

/** Chat and English units: 300w = 300万, 1.2kw = 1.2千万, 50k = 5万, 4.52m / million = 百万, bn = 十亿. */
const LATIN_UNITS: Record<string, bigint> = {
  w: 10_000n,
  kw: 10_000_000n,
  k: 1_000n,
  m: 1_000_000n,
  million: 1_000_000n,
  bn: 1_000_000_000n,
  billion: 1_000_000_000n,
};

const ARABIC = String.raw`(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+(?=\s?(?:元|万|亿|块|yuan|rmb))|\d+)(?:\.\d+)?`;
const CHINESE = '[零一二三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?';
const COEFFICIENT = `(?:${ARABIC}[千百]?|${CHINESE})`;
const NUMBER = `${COEFFICIENT}(?:[万亿]+${COEFFICIENT}?)*`;
const MENTION = new RegExp(
  [
    '(?<prefix>(?:[¥￥]|人民币|rmb|cny)\\s?)?',
    `(?<lo>${NUMBER})`,
    // 100-200万, 100到200万: a range, read as its lower end and flagged.
    `(?:\\s?(?<dash>[-~～—–至到])\\s?(?<hi>${NUMBER}))?`,
    // 八十来万, 一百多万, 两百余万: approximate.
    '(?<approx>来|多|余)?',
    '(?:\\s?(?<latin>个?(?:kw|w|k|m|million|bn|billion))(?![a-z]))?',
    '(?:\\s?(?<big>[万亿]+))?',
    '(?:\\s?(?<currency>元整?|块钱|块|圆|yuan|rmb|cny)(?![a-z]))?',
  ].join(''),
  'gi',
);
/**
 * Words that, right after 万/亿 without 元, show the number counts something else (2万人, 1万家企业)
 * or is approximate (100万多).
 */
const NON_MONEY_AFTER = /^[人名家户个次项条台套件亩吨辆只头张份本册字岁年月日天周倍平公米股笔所座间位篇场届期批余多千瓦%]/;
/** A range or an approximate word makes a figure approximate: 一两百万、十几万、几百万. */
const APPROXIMATE_NUMBER = /^(?:一两|两三|三四|四五|五六|六七|七八|八九|几|十几|几十|几百|几千)/;

const ONE_DIGIT: Record<string, string> = { 一: '1', 两: '2', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/**
 * 一个亿、两个半亿、三个半万 as people say them, rewritten in place to the same length (2 亿, 2.5亿, 3.5万) so that
 * positions in the text stay where they were.
 */
function spokenCounts(text: string): string {
  return text
    .replace(/([一两二三四五六七八九])个半([万亿])/g, (_, n: string, unit: string) => `${ONE_DIGIT[n]}.5${unit}`)
    .replace(/(?<=[\d一两二三四五六七八九十])个(?=亿)/g, ' ');
}

/** The place value of a number's last non-zero digit: 2000万 → 1000万, 1500万 → 100万. */
function lastPlace(n: number): number {
  let place = 1;
  while (n % (place * 10) === 0) place *= 10;
  return place;
}

const SEVERAL = /(好)?(十)?几(十|百|千)?([万亿])(?:元|块)?/g;
const PLACE: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * Every money amount in free text, in order. A mention needs a unit or currency marker (元、块、万、亿、
 * w、k、¥、RMB…); years, counts, percentages, dates and phone numbers are not money. A range (100-200万) or a
 * rough figure (八十来万) is reported with its lower end and `approximate`.
 */
export function findMoneyMentions(text: string): MoneyMention[] {
  const mapped = spokenCounts(mapChars(text));
  const mentions: MoneyMention[] = [];
  for (const match of mapped.matchAll(MENTION)) {
    const groups = match.groups ?? {};
    const whole = match[0].replace(/\s+$/, '');
    const start = match.index;
    const end = start + whole.length;
    const latin = groups.latin?.toLowerCase().replace(/^个/, '');
    const big = groups.big ?? '';
    const hasBigUnit = /[万亿]/.test(groups.lo ?? '') || /[万亿]/.test(groups.hi ?? '') || /[万亿]/.test(big) || latin !== undefined;
    const prefix = groups.prefix !== undefined;
    const currency = groups.currency !== undefined;
    if (!prefix && !currency && !hasBigUnit) continue;
    // 2.5m (metres?) counts as money only with a currency word.
    if (latin === 'm' && !prefix && !currency) continue;
    if (start > 0 && /[A-Za-z_]/.test(mapped[start - 1]!)) continue;
    if (!currency && !prefix && NON_MONEY_AFTER.test(mapped.slice(end))) continue;
    const unit = latin !== undefined ? `${latin}` : big;
    let loText = groups.lo ?? '';
    let hiText = groups.hi;
    // 一两百万, 三五千: two neighbouring digits before a unit are a range.
    const pair = /^([一二三四五六七八九])([二三四五六七八九])([十百千万亿].*)$/.exec(loText);
    if (pair && hiText === undefined && CN_DIGITS.indexOf(pair[2]!) > CN_DIGITS.indexOf(pair[1]!)) {
      loText = `${pair[1]}${pair[3]}`;
      hiText = `${pair[2]}${pair[3]}`;
    }
    // 100-200万: the unit written once, after the upper end, applies to both.
    if (hiText !== undefined && !/[万亿]/.test(loText)) loText += /[万亿]+$/.exec(hiText)?.[0] ?? '';
    const lo = parseMoney(`${loText}${unit}`);
    if (lo === null) continue;
    const mention: MoneyMention = { text: text.slice(start, end), index: start, yuan: lo };
    if (hiText !== undefined) {
      const hi = parseMoney(`${hiText}${unit}`);
      if (hi === null || hi < lo) continue;
      mention.upToYuan = hi;
      mention.approximate = true;
    }
    if (groups.approx !== undefined || APPROXIMATE_NUMBER.test(groups.lo ?? '')) mention.approximate = true;
    // 两千多万、一百多万、1500余万: more than the figure, by less than its last written digit (2000–2999万).
    if ((groups.approx === '多' || groups.approx === '余') && mention.upToYuan === undefined && lo > 0) {
      mention.upToYuan = lo + lastPlace(lo) - 1;
    }
    // 加一块、算一块儿: "together", not one yuan.
    if (/^一块$/.test(whole) && (/[加在放凑算合到]$/.test(mapped.slice(0, start)) || /^[儿去来算]/.test(mapped.slice(end)))) continue;
    mentions.push(mention);
  }
  // 几十万、十几万、好几千万: a rough amount with no digit, read as the range it can mean.
  for (const m of mapped.matchAll(SEVERAL)) {
    // It replaces what the digits' reading made of part of it (几十万 read as 十万).
    const overlapping = (x: MoneyMention) => m.index < x.index + x.text.length && x.index < m.index + m[0].length;
    for (let i = mentions.length - 1; i >= 0; i--) if (overlapping(mentions[i]!)) mentions.splice(i, 1);
    const [, good, tens, place, big] = m;
    const unit = (place ? PLACE[place]! : 1) * (big === '亿' ? 100_000_000 : 10_000);
    // 十几 is 11–19 of the unit; 几 is 2–9 (好几: 3–9); 几十 is 20–90.
    const [lo, hi] = tens ? [11 * unit, 19 * unit] : [(good ? 3 : 2) * unit, 9 * unit];
    mentions.push({ text: text.slice(m.index, m.index + m[0].length), index: m.index, yuan: lo, upToYuan: hi, approximate: true });
  }
  return mentions.sort((a, b) => a.index - b.index);
}

function assertNonNegativeInteger(yuan: number): void {
  if (!Number.isSafeInteger(yuan) || yuan < 0) {
    throw new RangeError(`formatYuan expects a non-negative integer number of yuan, got ${yuan}`);
  }
}

function decimalString(value: number, digits: number): string {
  const text = String(value).padStart(digits + 1, '0');
  const intPart = text.slice(0, text.length - digits);
  const frac = text.slice(text.length - digits).replace(/0+$/, '');
  return frac === '' ? intPart : `${intPart}.${frac}`;
}

/**
 * As people write amounts: 8000 → `8000元`, 500000 → `50万元`, 1234567 → `123.4567万元`,
 * 150000000 → `1.5亿元`. Exact: `parseMoney(formatYuan(x)) === x`.
 */
export function formatYuan(yuan: number): string {
  assertNonNegativeInteger(yuan);
  if (yuan < 10_000) return `${yuan}元`;
  if (yuan < 100_000_000) return `${decimalString(yuan, 4)}万元`;
  return `${decimalString(yuan, 8)}亿元`;
}

/** Digits with thousands separators: 500000 → `500,000`. */
export function formatYuanDigits(yuan: number): string {
  if (!Number.isSafeInteger(yuan)) {
    throw new RangeError(`formatYuanDigits expects an integer number of yuan, got ${yuan}`);
  }
  const sign = yuan < 0 ? '-' : '';
  return sign + String(Math.abs(yuan)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
