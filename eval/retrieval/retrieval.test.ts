import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge/knowledge-base.js';
import { createNaiveBaseline } from './naive-baseline.js';
import { loadRetrievalSet, scoreRetrieval, type RetrievalScores } from './retrieval-set.js';

const questions = loadRetrievalSet();
let kb: KnowledgeBase;
let hybrid: RetrievalScores;
let baseline: RetrievalScores;

beforeAll(async () => {
  kb = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'kb-')) });
  hybrid = await scoreRetrieval(questions, async (q) =>
    (await kb.retriever.search(q, { k: 10 })).map((h) => ({ docId: h.clause.docId, clauseId: h.clause.id })),
  );
  const naive = createNaiveBaseline(kb.documents, kb.tokenizer);
  baseline = await scoreRetrieval(questions, (q) => naive.search(q));
  const row = (name: string, s: RetrievalScores) =>
    `${name.padEnd(34)} recall@1 ${s.recallAt1.toFixed(3)}  recall@3 ${s.recallAt3.toFixed(3)}  recall@5 ${s.recallAt5.toFixed(3)}  MRR ${s.mrr.toFixed(3)}`;
  console.log(`retrieval test set: ${questions.length} questions`);
  console.log(row('hybrid (BM25+synonyms+vectors+RRF)', hybrid));
  console.log(row('naive (500-char chunks, plain BM25)', baseline));
  for (const miss of hybrid.misses)
    console.log(`  miss ${miss.id} ${miss.question} → expected ${miss.expected}, got ${miss.got.join(', ')}`);
});

describe('the paraphrase set (bench/paraphrase-retrieval.ts)', () => {
  it('names a clause of the default base for each of its 100 questions', () => {
    const lines = readFileSync(new URL('./paraphrase.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(100);
    const known = new Set(kb.clauses.map((c) => `${c.docId}:${c.id}`));
    for (const line of lines) {
      const p = JSON.parse(line) as { id: string; question: string; docId: string; clauseId: string };
      expect(p.question.length, p.id).toBeGreaterThan(0);
      expect(known.has(`${p.docId}:${p.clauseId}`), p.id).toBe(true);
    }
  });
});

describe('retrieval on the embedded default', () => {
  it('the set is large and varied enough to mean something', () => {
    expect(questions.length).toBeGreaterThanOrEqual(80);
    const styles = new Set(questions.map((q) => q.style));
    expect(styles).toEqual(new Set(['colloquial', 'abbreviated', 'traditional', 'item-number', 'hotline']));
    for (const q of questions)
      for (const e of q.expect) expect(kb.getClause(e.docId, e.clauseId), `${q.id} cites ${e.docId}:${e.clauseId}`).toBeDefined();
  });

  it('finds the right clause in the top 3 for at least 95% of questions', () => {
    expect(hybrid.recallAt3).toBeGreaterThanOrEqual(0.95);
  });

  it('ranks it high: MRR at least 0.85', () => {
    expect(hybrid.mrr).toBeGreaterThanOrEqual(0.85);
  });

  it('beats the naive baseline it is reported beside', () => {
    expect(hybrid.recallAt3).toBeGreaterThan(baseline.recallAt3);
    expect(hybrid.mrr).toBeGreaterThan(baseline.mrr);
  });
});
