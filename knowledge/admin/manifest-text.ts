import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import type { ManifestEntry } from '../pipeline/manifest.js';
import { AdminError } from './errors.js';

/**
 * Edits to a base's manifest.yaml made on its text: an entry is added, replaced or removed where it stands,
 * and every other line (comments, blank lines, the style of the other entries) is left exactly as written,
 * so the file stays the one people read and review.
 */

interface EntrySpan {
  id: string;
  /** Offset of the line holding the entry's `- `. */
  lineStart: number;
  /** Offset just after the entry's last line (its newline included). */
  end: number;
}

const KEY_ORDER: (keyof ManifestEntry)[] = [
  'id',
  'title',
  'shortTitle',
  'aliases',
  'issuer',
  'issueDate',
  'validity',
  'jurisdiction',
  'format',
  'file',
  'original',
  'errata',
  'primary',
];

function scalar(value: string | boolean): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** An entry in the manifests' own style: block keys, flow lists and a flow validity window. */
export function renderEntry(entry: ManifestEntry, indent: string): string {
  const lines: string[] = [];
  for (const key of KEY_ORDER) {
    const value = entry[key];
    if (value === undefined) continue;
    let text: string;
    if (key === 'aliases') {
      const aliases = value as string[];
      if (aliases.length === 0) continue;
      text = `[${aliases.map((a) => scalar(a)).join(', ')}]`;
    } else if (key === 'validity') {
      const { from, to } = value as ManifestEntry['validity'];
      text = `{ from: ${scalar(from)}${to ? `, to: ${scalar(to)}` : ''} }`;
    } else text = scalar(value as string | boolean);
    lines.push(`${lines.length === 0 ? `${indent}- ` : `${indent}  `}${key}: ${text}`);
  }
  return `${lines.join('\n')}\n`;
}

function spans(text: string): { spans: EntrySpan[]; indent: string } {
  const doc = parseDocument(text, { schema: 'core' });
  if (doc.errors.length > 0)
    throw new AdminError('manifest_invalid', `manifest.yaml 无法解析：${doc.errors[0]!.message.split('\n')[0]}`, 409);
  const documents = doc.get('documents', true);
  if (!isSeq(documents)) throw new AdminError('manifest_invalid', 'manifest.yaml 没有 documents 列表', 409);
  const out: EntrySpan[] = [];
  for (const item of documents.items) {
    if (!isMap(item) || !item.range) continue;
    const lineStart = text.lastIndexOf('\n', item.range[0] - 1) + 1;
    // The entry ends with the line of its last value; comments and blank lines after it belong to what follows.
    const newline = text.indexOf('\n', Math.max(item.range[1] - 1, item.range[0]));
    out.push({ id: String(item.get('id')), lineStart, end: newline < 0 ? text.length : newline + 1 });
  }
  const first = out[0];
  const indent = first ? (/^[ \t]*/.exec(text.slice(first.lineStart))?.[0] ?? '  ') : '  ';
  return { spans: out, indent };
}

export function addEntry(text: string, entry: ManifestEntry): string {
  const { spans: entries, indent } = spans(text);
  const last = entries.at(-1);
  if (!last) throw new AdminError('manifest_invalid', 'manifest.yaml 的 documents 列表为空', 409);
  const before = text.slice(0, last.end);
  return `${before}${before.endsWith('\n') ? '' : '\n'}\n${renderEntry(entry, indent)}${text.slice(last.end)}`;
}

export function replaceEntry(text: string, id: string, entry: ManifestEntry): string {
  const { spans: entries, indent } = spans(text);
  const span = entries.find((e) => e.id === id);
  if (!span) throw new AdminError('not_found', `manifest.yaml 中没有文件 ${id}`, 404);
  return `${text.slice(0, span.lineStart)}${renderEntry(entry, indent)}${text.slice(span.end)}`;
}

export function removeEntry(text: string, id: string): string {
  const { spans: entries } = spans(text);
  const at = entries.findIndex((e) => e.id === id);
  if (at < 0) throw new AdminError('not_found', `manifest.yaml 中没有文件 ${id}`, 404);
  const span = entries[at]!;
  let start = span.lineStart;
  let end = span.end;
  if (at === entries.length - 1) {
    // The last entry takes the blank lines before it, so the file does not end in an empty line.
    while (text.slice(0, start).endsWith('\n\n')) start--;
  } else {
    // A middle entry takes the blank lines after it, so one blank line stays between its neighbours.
    while (text[end] === '\n') end++;
  }
  return `${text.slice(0, start)}${text.slice(end)}`;
}
