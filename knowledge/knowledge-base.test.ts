import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Embedder } from './index/embedder.js';
import { openKnowledgeBase } from './knowledge-base.js';

describe('vectors above an embedder’s clause limit', () => {
  it('are not built, and search still answers from BM25', async () => {
    let embedded = 0;
    const limited: Embedder = {
      id: 'test-limited-8',
      dimensions: 8,
      fusionWeight: 1,
      maxClauses: 50,
      embed: async (texts) => {
        embedded += texts.length;
        return texts.map(() => Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0]));
      },
    };
    const kb = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'kb-limit-')), embedder: limited });
    expect(kb.clauses.length).toBeGreaterThan(50);
    expect(embedded).toBe(0);
    const hits = await kb.retriever.search('创客中国', { k: 1 });
    expect(hits[0]!.clause.id).toBe('item-3');
    expect(hits[0]!.matchedBy.vectorRank).toBeUndefined();
  });
});
