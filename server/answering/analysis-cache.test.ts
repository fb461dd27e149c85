import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoldenSet } from '../../eval/golden/schema.js';
import { openKnowledgeBase } from '../../knowledge/knowledge-base.js';
import { createMemorySessionStore } from '../sessions/session-store.js';
import { createAdvisor, type AdvisorAnswer } from './advisor.js';
import { createMemo } from './analysis-cache.js';
import { fixedDayClock } from '../clock.js';

describe('memo', () => {
  it('computes a key once, counts hits and misses, and keeps at most max keys', () => {
    const memo = createMemo<{ n: number }>(2);
    let computed = 0;
    const value = (n: number) => () => ({ n: (computed++, n) });
    expect(memo.get('a', value(1)).n).toBe(1);
    expect(memo.get('a', value(99)).n).toBe(1);
    memo.get('b', value(2));
    memo.get('c', value(3)); // evicts a, the least recently used
    expect(memo.get('a', value(4)).n).toBe(4);
    expect(computed).toBe(4);
    expect(memo.stats()).toEqual({ hits: 1, misses: 4, size: 2 });
  });

  it('peek returns a kept value as a hit and an absent one as undefined, uncounted', () => {
    const memo = createMemo<{ n: number }>(4);
    expect(memo.peek('a')).toBeUndefined();
    memo.get('a', () => ({ n: 1 }));
    expect(memo.peek('a')).toEqual({ n: 1 });
    expect(memo.stats()).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it('max 0 computes every time', () => {
    const memo = createMemo<{ n: number }>(0);
    let computed = 0;
    memo.get('a', () => ({ n: computed++ }));
    memo.get('a', () => ({ n: computed++ }));
    expect(computed).toBe(2);
    expect(memo.stats()).toEqual({ hits: 0, misses: 2, size: 0 });
  });

  it('does not keep a failed asynchronous computation', async () => {
    const memo = createMemo<{ n: number }>(10);
    await expect(memo.getAsync('a', () => Promise.reject(new Error('embeddings endpoint down')))).rejects.toThrow('down');
    await expect(memo.getAsync('a', async () => ({ n: 1 }))).resolves.toEqual({ n: 1 });
    await expect(memo.getAsync('a', async () => ({ n: 2 }))).resolves.toEqual({ n: 1 });
  });
});

describe('the advisor with its analysis memo', () => {
  it('gives every golden conversation the same answers as without it, also when every analysis is a hit', async () => {
    const knowledge = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'advisor-kb-')) });
    const make = (analysisCacheSize: number) =>
      createAdvisor({
        knowledge,
        sessions: createMemorySessionStore({ max: 10_000, ttlMs: 3_600_000 }),
        hotline: '400',
        clock: fixedDayClock('2026-06-01'),
        analysisCacheSize,
      });
    const uncached = make(0);
    const cached = make(10_000);
    const comparable = ({ answerId: _id, meta, ...rest }: AdvisorAnswer) => ({ ...rest, meta: { ...meta, latencyMs: 0 } });
    const run = async (advisor: ReturnType<typeof make>, pass: string) => {
      const answers: ReturnType<typeof comparable>[] = [];
      for (const goldenCase of loadGoldenSet()) {
        for (const question of goldenCase.turns) {
          const answer = await advisor.ask({
            question,
            sessionId: `${goldenCase.id}-${pass}`,
            ...(goldenCase.asOf ? { asOf: goldenCase.asOf } : {}),
          });
          answers.push(comparable({ ...answer, sessionId: goldenCase.id }));
        }
      }
      return answers;
    };
    const expected = await run(uncached, 'a');
    expect(await run(cached, 'a')).toEqual(expected);
    const missesAfterFirstPass = cached.cacheStats().questions.misses;
    // The second pass is served from the memo and must not differ in any answer, citation or amount.
    expect(await run(cached, 'b')).toEqual(expected);
    const stats = cached.cacheStats();
    expect(stats.questions.misses).toBe(missesAfterFirstPass);
    expect(stats.questions.hits).toBeGreaterThanOrEqual(expected.length);
    expect(uncached.cacheStats().questions.hits).toBe(0);
  }, 60_000);
});
