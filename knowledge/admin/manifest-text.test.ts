import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BASES_DIR } from '../base-folder.js';
import { manifestSchema, type ManifestEntry } from '../pipeline/manifest.js';
import { addEntry, removeEntry, replaceEntry } from './manifest-text.js';

const manifests = ['zhengzhou', 'lucheng'].map(
  (base) => [base, readFileSync(path.join(BASES_DIR, base, 'manifest.yaml'), 'utf8')] as const,
);
const read = (text: string) => manifestSchema.parse(parse(text, { schema: 'core' }));

const entry: ManifestEntry = {
  id: 'xinghe-voucher-2025',
  title: '星河区萤火虫创新券试行办法: 虚构',
  aliases: ['创新券办法'],
  issuer: '星河区虚构科技创新局',
  issueDate: '2025-03-01',
  validity: { from: '2025-03-01', to: '2027-12-31' },
  jurisdiction: '星河区',
  format: 'law-text',
  file: '萤火虫.txt',
  original: '萤火虫.pdf',
};

describe.each(manifests)('manifest.yaml of %s edited as text', (_base, text) => {
  it('adds an entry in the file’s style and takes it out again to the very same text', () => {
    const added = addEntry(text, entry);
    expect(added.startsWith(text)).toBe(true);
    expect(added.slice(text.length)).toContain('\n  - id: xinghe-voucher-2025\n    title: "星河区萤火虫创新券试行办法: 虚构"\n');
    expect(added).toContain('    validity: { from: 2025-03-01, to: 2027-12-31 }\n');
    expect(read(added).documents.at(-1)).toEqual(entry);
    expect(removeEntry(added, entry.id)).toBe(text);
  });

  it('removes a middle entry and replaces one in place, every other line untouched', () => {
    const documents = read(text).documents;
    const first = documents[0]!;
    const without = removeEntry(text, first.id);
    expect(read(without).documents.map((d) => d.id)).toEqual(documents.slice(1).map((d) => d.id));
    expect(without.split('\n').filter((l) => !text.includes(l))).toEqual([]);
    expect(without).not.toMatch(/\n\n\n/);
    expect(replaceEntry(text, first.id, first)).toBe(text);
    const renamed = replaceEntry(text, first.id, { ...first, title: '新标题' });
    expect(read(renamed).documents[0]!.title).toBe('新标题');
    expect(renamed.split('\n').length).toBe(text.split('\n').length);
  });
});
