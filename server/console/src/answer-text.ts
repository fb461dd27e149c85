/**
 * An answer as the 问答 screen uses it: the short `answer` as sentences to read to a caller, `details` as
 * blocks to show under a fold, and the text an agent pastes into WeChat or an SMS. Pure: no DOM.
 */
import type { Answer, Base } from './types.js';

/** Splits a line at sentence ends (。！？；), keeping closing quotes and brackets with their sentence. */
function sentencesOf(line: string): string[] {
  return (line.match(/[^。！？；]+[。！？；]?[”’」）)]*/g) ?? [line])
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^[。！？；”）)]+$/.test(s));
}

const BULLET = /^[·•]\s*/;

/**
 * The short answer as the items an agent reads out, in order: each sentence, and each listed award of an
 * overview as one item (its amount and condition belong together when spoken).
 */
export function readAloudLines(answer: string): string[] {
  const lines: string[] = [];
  for (const raw of answer.split('\n')) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (BULLET.test(line)) lines.push(line.replace(BULLET, ''));
    else lines.push(...sentencesOf(line));
  }
  return lines;
}

export type DetailBlock =
  /** 【奖补名称】, with what follows it on the same line (an overview's condition), if anything. */
  | { type: 'heading'; text: string; rest: string }
  /** 条件核对：✓ …；✗ … — each condition with whether it held (null: not known yet). */
  | { type: 'checks'; label: string; items: { text: string; met: boolean | null }[] }
  /** 所用情况： / 说明： followed by "· " lines, or "· " lines on their own. */
  | { type: 'list'; label: string; items: string[] }
  /** Any other line; `label` is its short lead-in (计算、责任单位) when it has one. */
  | { type: 'line'; label: string; text: string };

const HEADING = /^【([^】]+)】\s*(.*)$/;
const CHECKS = /^([^：]{1,12})：\s*([✓✗？?].*)$/;
const LABEL = /^([^：]{1,12})：$/;
const LEAD_IN = /^([^：《“（]{1,6})：(.+)$/;
const MARK: Record<string, boolean | null> = { '✓': true, '✗': false, '？': null, '?': null };

/**
 * The answer's details (formula, conditions checked, facts used, assumptions, validity, the "以主管部门审核为准"
 * line) as blocks to render: headings per award, condition checks, labelled lists and plain lines, in the
 * order written. Nothing is dropped: every non-blank line ends up in exactly one block.
 */
export function detailBlocks(details: string): DetailBlock[] {
  const blocks: DetailBlock[] = [];
  for (const raw of details.split('\n')) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const last = blocks.at(-1);
    if (BULLET.test(line)) {
      const item = line.replace(BULLET, '');
      if (last?.type === 'list') last.items.push(item);
      else blocks.push({ type: 'list', label: '', items: [item] });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', text: heading[1]!, rest: heading[2]! });
      continue;
    }
    const checks = CHECKS.exec(line);
    if (checks) {
      blocks.push({
        type: 'checks',
        label: checks[1]!,
        items: checks[2]!
          .split(/；\s*(?=[✓✗？?])/)
          .map((part) => part.trim())
          .filter(Boolean)
          .map((part) => ({ text: part.slice(1).trim(), met: MARK[part[0]!] ?? null })),
      });
      continue;
    }
    const label = LABEL.exec(line);
    if (label) {
      blocks.push({ type: 'list', label: label[1]!, items: [] });
      continue;
    }
    const leadIn = LEAD_IN.exec(line);
    blocks.push(leadIn ? { type: 'line', label: leadIn[1]!, text: leadIn[2]!.trim() } : { type: 'line', label: '', text: line });
  }
  // A label that no "· " line followed is a line of its own.
  return blocks.map((b) => (b.type === 'list' && b.items.length === 0 ? { type: 'line', label: b.label, text: '' } : b));
}

/** The cited clauses by document, in the order cited: 《方案》三（一）1、三（七）19. */
export function clauseLabels(citations: Answer['citations']): string {
  const byDocument = new Map<string, { title: string; labels: string[] }>();
  for (const c of citations) {
    const entry = byDocument.get(c.docId) ?? { title: c.title, labels: [] };
    if (!entry.labels.includes(c.label)) entry.labels.push(c.label);
    byDocument.set(c.docId, entry);
  }
  return [...byDocument.values()].map((d) => `《${d.title}》${d.labels.join('、')}`).join('；');
}

/** The public link of a clause from the configured template, or undefined without one. */
export function clauseLink(template: string | undefined, docId: string, clauseId: string): string | undefined {
  if (!template) return undefined;
  return template.replaceAll('{docId}', encodeURIComponent(docId)).replaceAll('{clauseId}', encodeURIComponent(clauseId));
}

/**
 * What an agent pastes into WeChat or an SMS for the caller: the base's name, the short answer and the
 * clauses it rests on, by label, so the caller can look them up — with a link to each clause where a public
 * policy browser is configured. The formula, conditions and clause text stay in the console.
 */
export function callerMessage(answer: Answer, base?: Pick<Base, 'assistantName' | 'clauseLinkTemplate'>): string {
  const lines = [...(base ? [`【${base.assistantName}】`] : []), answer.answer.trim()];
  if (answer.citations.length > 0) lines.push(`依据：${clauseLabels(answer.citations)}`);
  const links = [
    ...new Set(answer.citations.map((c) => clauseLink(base?.clauseLinkTemplate, c.docId, c.clauseId)).filter((l) => l !== undefined)),
  ];
  if (links.length > 0) lines.push(`条款原文：${links.join(' ')}`);
  return lines.join('\n');
}
