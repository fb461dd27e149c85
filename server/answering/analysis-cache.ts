import { LRUCache } from 'lru-cache';

/** How a memo has been used since the service started, for /metrics. */
export interface MemoStats {
  hits: number;
  misses: number;
  size: number;
}

export interface Memo<V> {
  /** The value for `key`, computed once and kept while the memo has room. */
  get(key: string, compute: () => V): V;
  /** The value kept for `key`, if any (counted as a hit; an absent key is counted by the `get` that follows). */
  peek(key: string): V | undefined;
  /** As `get`, for work that completes later; a failure is not kept, so the next call tries again. */
  getAsync(key: string, compute: () => Promise<V>): Promise<V>;
  stats(): MemoStats;
}

/**
 * A bounded memo for pure work over the question's text: the same words always normalise, segment and
 * retrieve the same way over an index that does not change while the service runs. Hotline callers and
 * WeChat users ask the same few dozen questions over and over, so this skips most of that work; what
 * depends on the conversation (facts, the calculator, the wording of the answer) is never memoised.
 * Values are shared between callers, who must only read them. `max` 0 turns it off.
 */
export function createMemo<V extends object>(max: number): Memo<V> {
  let hits = 0;
  let misses = 0;
  if (max === 0) {
    return {
      get: (_key, compute) => (misses++, compute()),
      peek: () => undefined,
      getAsync: (_key, compute) => (misses++, compute()),
      stats: () => ({ hits, misses, size: 0 }),
    };
  }
  const cache = new LRUCache<string, V>({ max });
  return {
    get(key, compute) {
      const cached = cache.get(key);
      if (cached !== undefined) {
        hits++;
        return cached;
      }
      misses++;
      const value = compute();
      cache.set(key, value);
      return value;
    },
    peek(key) {
      const cached = cache.get(key);
      if (cached !== undefined) hits++;
      return cached;
    },
    async getAsync(key, compute) {
      const cached = cache.get(key);
      if (cached !== undefined) {
        hits++;
        return cached;
      }
      misses++;
      const value = await compute();
      cache.set(key, value);
      return value;
    },
    stats: () => ({ hits, misses, size: cache.size }),
  };
}
