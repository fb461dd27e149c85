import { normaliseChineseText, toSimplified } from '../text/normalise.js';
import { RUBY } from './clean.js';
import { chineseNumeralToInt } from './parse.js';

/**
 * What a policy text says about itself: its title, who issued it and when, from when and until when it
 * applies, and where. Used when a file is added without that metadata; each value says where it was found,
 * so staff can check it before publishing.
 */

export type MetaField = 'title' | 'issuer' | 'issueDate' | 'validFrom' | 'validTo' | 'jurisdiction';

export interface InferredValue {
  value: string;
  /** Where in the text it was found, in Chinese (取自正文第 1 行). */
  how: string;
}

export type InferredMeta = Partial<Record<MetaField, InferredValue>>;

export const META_FIELD_NAMES: Readonly<Record<MetaField, string>> = {
  title: '标题',
  issuer: '发布机关',
  issueDate: '发布日期',
  validFrom: '生效日期',
  validTo: '有效期至',
  jurisdiction: '适用地区',
};

const TITLE_WORD = /(?:办法|方案|意见|通知|规定|细则|措施|条例|决定|公告|政策|法|纲要|计划|规划|指引|指南|实施|若干)/;
const ORGANISATION_END =
  /(?:人民代表大会常务委员会|人民政府办公室|人民政府办公厅|人民政府|政府|办公室|办公厅|委员会|管理委员会|区委|市委|县委|省委|委|局|厅|部|署|院|中心|办)$/;
const CN_DIGIT = '[〇零一二三四五六七八九]';
const DATE = new RegExp(
  `(\\d{4})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日|(${CN_DIGIT}{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日`,
);
const DATE_ALL = new RegExp(DATE.source, 'g');
const DATE_LINE = new RegExp(`^[（(]?(?:${DATE.source})[)）]?$`);
const NATIONAL = /^(?:全国|国务院|中华人民共和国|国家|中共中央)/;
const PLACE = /^(?:中共)?((?:[\u4e00-\u9fff]{1,12}?(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|区|县|旗))+)/;

/** An ISO day from a date as printed (2024年12月19日, 二〇二四年十二月十九日); undefined when not a real day. */
export function isoDateOf(match: RegExpMatchArray): string | undefined {
  const [year, month, day] = match[1]
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : [Number([...match[4]!].map((ch) => '〇一二三四五六七八九'.indexOf(ch === '零' ? '〇' : ch)).join('')), cn(match[5]!), cn(match[6]!)];
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : undefined;
}

function cn(text: string): number {
  return chineseNumeralToInt(text);
}

function addYears(iso: string, years: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The place an issuer belongs to (温州市鹿城区人民政府 → 温州市鹿城区), or 全国 for national bodies. */
export function jurisdictionOfIssuer(issuer: string): string | undefined {
  const first = issuer.split(/[、，\s]+/).find((part) => part !== '') ?? issuer;
  if (NATIONAL.test(first)) return '全国';
  // The most specific place among the issuers (a district's party committee and government name the same).
  const places = issuer
    .split(/[、，\s]+/)
    .map((part) => PLACE.exec(part)?.[1])
    .filter((p): p is string => p !== undefined)
    .sort((a, b) => b.length - a.length);
  return places[0];
}

/** Reads title, issuer, dates and place from a policy's text; `titleHint` is a title the file declares. */
export function inferMetadata(text: string, options: { titleHint?: string } = {}): InferredMeta {
  const lines = text
    .split(/\r?\n/)
    .map((l) =>
      // Pinyin a scraped page inlines after characters (业(yè)) is no part of a title.
      normaliseChineseText(toSimplified(l.replace(RUBY, '$1')))
        .replace(/^#{1,6}\s*/, '')
        .trim(),
    )
    .filter((l) => l !== '');
  const out: InferredMeta = {};

  // Title: a notice that issues a policy names it in 《》; else the first heading-like line near the top.
  const issuing = lines
    .slice(0, 12)
    .map((l) => /^关于印发《(.+)》的通知$/.exec(l)?.[1])
    .find((t) => t !== undefined);
  if (issuing) out.title = { value: issuing, how: '取自印发通知中的文件名' };
  else if (options.titleHint && /[\u3400-\u9fff]/.test(options.titleHint))
    out.title = { value: normaliseChineseText(options.titleHint), how: '取自文件自带的标题（标题样式、网页标题或 PDF 属性）' };
  else {
    const at = lines
      .slice(0, 10)
      .findIndex(
        (l) => l.length >= 6 && l.length <= 80 && !/[。；：:]/.test(l) && TITLE_WORD.test(l) && !DATE_LINE.test(l) && !/〔\d{4}〕/.test(l),
      );
    if (at >= 0) out.title = { value: lines[at]!, how: `取自正文第 ${at + 1} 行` };
  }

  // Issue date: a line that is only a date, preferably right after an organisation's name (the signature).
  const dateLines = lines.map((l, i) => ({ i, match: DATE_LINE.exec(l) })).filter((d) => d.match !== null);
  const signed = dateLines.find((d) => d.i > 0 && isOrganisation(lines[d.i - 1]!));
  const dated = signed ?? dateLines[0];
  const issueDate = dated ? isoDateOf(dated.match!) : undefined;
  if (dated && issueDate) out.issueDate = { value: issueDate, how: signed ? '取自落款日期' : `取自正文第 ${dated.i + 1} 行的日期` };

  // Issuer: the organisation signing above the date, else an organisation's name standing alone near the top.
  if (signed) out.issuer = { value: lines[signed.i - 1]!, how: '取自落款' };
  else {
    const at = lines.slice(0, 8).findIndex(isOrganisation);
    if (at >= 0) out.issuer = { value: lines[at]!, how: `取自正文第 ${at + 1} 行` };
  }

  // Validity: 自…起施行, 有效期至…, 有效期N年, 适用于…至….
  const body = lines.join('\n');
  const range = /(?:适用于|有效期(?:为|自)?)[^。；\n]{0,60}/.exec(body);
  const rangeDays = range ? [...range[0].matchAll(DATE_ALL)].map(isoDateOf).filter((d): d is string => d !== undefined) : [];
  if (rangeDays.length >= 2) {
    out.validFrom = { value: rangeDays[0]!, how: '取自“适用于/有效期……至……”' };
    out.validTo = { value: rangeDays[1]!, how: '取自“适用于/有效期……至……”' };
  }
  if (!out.validFrom) {
    const start = new RegExp(`自\\s*(${DATE.source})\\s*起(?:施行|实施|执行|生效)`).exec(body);
    const fromDay = start ? firstDate(start[0]) : undefined;
    if (fromDay) out.validFrom = { value: fromDay, how: '取自“自……起施行”' };
    else if (/自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)/.test(body) && out.issueDate)
      out.validFrom = { value: out.issueDate.value, how: '“自印发之日起施行”，取发布日期' };
  }
  if (!out.validTo) {
    const until = new RegExp(`有效期(?:至|到|截至)\\s*(${DATE.source})`).exec(body);
    const toDay = until ? firstDate(until[0]) : undefined;
    if (toDay) out.validTo = { value: toDay, how: '取自“有效期至……”' };
    else {
      const years = /有效期(?:为)?\s*([一二三四五六七八九十两\d]+)\s*年/.exec(body);
      const from = out.validFrom?.value ?? out.issueDate?.value;
      if (years && from) {
        const n = /^\d+$/.test(years[1]!) ? Number(years[1]) : cn(years[1]!);
        out.validTo = { value: addYears(from, n), how: `“有效期${years[1]}年”，自生效日期起算` };
      }
    }
  }

  if (out.issuer) {
    const place = jurisdictionOfIssuer(out.issuer.value);
    if (place) out.jurisdiction = { value: place, how: '取自发布机关名称' };
  }
  return out;
}

function firstDate(text: string): string | undefined {
  const match = DATE.exec(text);
  return match ? isoDateOf(match) : undefined;
}

function isOrganisation(line: string): boolean {
  return (
    line.length <= 60 &&
    ORGANISATION_END.test(line) &&
    !/[。；：:，,“”《》0-9]/.test(line) &&
    !TITLE_WORD.test(line.replace(/办公室|办公厅|委员会/g, ''))
  );
}
