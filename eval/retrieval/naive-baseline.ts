import { buildBm25 } from '../../knowledge/index/bm25.js';
import type { Tokenizer } from '../../knowledge/index/tokenize.js';
import type { PolicyDocument } from '../../knowledge/types.js';

/**
 * The baseline the knowledge pipeline is measured against: each document's text cut into fixed
 * 500-character chunks, plain BM25 over segmenter words, no synonyms, no structure.
 * A chunk stands for every clause whose text it overlaps, best overlap first.
 */
export function createNaiveBaseline(documents: PolicyDocument[], tokenizer: Tokenizer, chunkSize = 500) {
  const chunks: { text: string; clauses: { docId: string; clauseId: string }[] }[] = [];
  for (const doc of documents) {
    let text = '';
    const spans: { start: number; end: number; clauseId: string }[] = [];
    for (const clause of doc.clauses) {
      spans.push({ start: text.length, end: text.length + clause.text.length, clauseId: clause.id });
      text += `${clause.text}\n`;
    }
    for (let start = 0; start < text.length; start += chunkSize) {
      const end = start + chunkSize;
      const overlapping = spans
        .map((s) => ({ clauseId: s.clauseId, overlap: Math.min(end, s.end) - Math.max(start, s.start) }))
        .filter((s) => s.overlap > 0)
        .sort((a, b) => b.overlap - a.overlap);
      chunks.push({ text: text.slice(start, end), clauses: overlapping.map((s) => ({ docId: doc.meta.id, clauseId: s.clauseId })) });
    }
  }
  const bm25 = buildBm25(chunks.map((c) => tokenizer.words(c.text)));
  return {
    chunks: chunks.length,
    async search(question: string): Promise<{ docId: string; clauseId: string }[]> {
      const terms = tokenizer.words(question).map((term) => ({ term, weight: 1 }));
      const seen = new Set<string>();
      const ranked: { docId: string; clauseId: string }[] = [];
      for (const { doc } of bm25.search(terms, 10)) {
        for (const clause of chunks[doc]!.clauses) {
          const key = `${clause.docId}:${clause.clauseId}`;
          if (!seen.has(key)) ranked.push(clause);
          seen.add(key);
        }
      }
      return ranked;
    },
  };
}
