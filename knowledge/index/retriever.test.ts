import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase, type KnowledgeBase } from '../knowledge-base.js';
import type { Embedder } from './embedder.js';
import { hitConfidence, searchConfidence, SOFT_MATCH_MAX_CLAUSES } from './retriever.js';
import { createWordVectorEmbedder, readWordVectors } from './word-vectors.js';

const open = (embedder?: Embedder) =>
  openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'retriever-')), rebuild: 'always', ...(embedder ? { embedder } : {}) });

describe('retrieval with soft matching and adaptive fusion (the embedded default)', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await open();
  });

  it('ranks a question worded like its clause as before, with full confidence', async () => {
    const hits = await kb.retriever.search('创客中国大赛一等奖奖金多少', { k: 3 });
    expect(hits[0]!.clause.id).toBe('item-3');
    expect(hits[0]!.confidence).toBe(1);
    expect(searchConfidence(hits)).toBe(1);
    for (const hit of hits) expect(hit.confidence).toBeGreaterThanOrEqual(0);
  });

  it('keeps clauses a question names above everything else', async () => {
    const hits = await kb.retriever.search('第19条', { k: 3 });
    expect(hits[0]!.matchedBy.reference).toBe(true);
    expect(hits[0]!.clause.id).toBe('item-19');
  });

  it('gives an unrelated request a low confidence', async () => {
    expect(searchConfidence(await kb.retriever.search('今天股市大盘怎么走', { k: 3 }))).toBeLessThan(0.3);
    expect(searchConfidence([])).toBe(0);
  });

  it('lists where the soft channel ranked a hit', async () => {
    const hits = await kb.retriever.search('公司想上市找谁辅导', { k: 3 });
    expect(hits[0]!.clause.id).toBe('item-8');
    expect(hits[0]!.matchedBy.softRank).toBeGreaterThanOrEqual(1);
  });
});

describe('without neighbour lists', () => {
  it('fuses BM25 and vectors by reciprocal rank alone, with no confidence', async () => {
    const kb = await open();
    const plain = createWordVectorEmbedder({ tokenizer: kb.tokenizer, model: readWordVectors(), neighbours: false });
    const base = await open(plain);
    const hits = await base.retriever.search('创客中国大赛一等奖奖金多少', { k: 3 });
    expect(hits[0]!.clause.id).toBe('item-3');
    expect(hits[0]!.confidence).toBeUndefined();
    expect(hits[0]!.score).toBeLessThan(1);
  });
});

describe('hitConfidence', () => {
  it('takes the stronger evidence, within 0..1', () => {
    expect(hitConfidence({ bm25Strength: 16, soft: 0.1 })).toBe(1);
    expect(hitConfidence({ bm25Strength: 0, soft: 0.4 })).toBeCloseTo(0.4, 9);
    expect(hitConfidence({ bm25Strength: 2, soft: -1 }, 8)).toBeCloseTo(0.25, 9);
    expect(SOFT_MATCH_MAX_CLAUSES).toBeGreaterThan(1_000);
  });
});
