import { LRUCache } from 'lru-cache';
import type { AwardTopic, Facts } from '../answering/slots.js';

/** What the advisor remembers of one conversation. */
export interface Session {
  facts: Facts;
  /** The fact the advisor asked for last; the next message may answer it. */
  pending?: string;
  /** Award topics of the last calculation or clarification, for "能补多少" follow-ups. */
  topics: AwardTopic[];
  turns: number;
  lastAnswerId?: string;
}

/**
 * Where sessions live. The embedded default keeps them in memory (LRU with TTL); with REDIS_URL they live in
 * Redis so several service processes share them. Async either way.
 */
export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  get(id: string): Promise<Session | undefined>;
  set(id: string, session: Session): Promise<void>;
  delete(id: string): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export function emptySession(): Session {
  return { facts: {}, topics: [], turns: 0 };
}

/** Copies every field of a session (explicitly: a spread of a varying shape is slower on the hot path). */
function copySession(session: Session): Session {
  const copy: Session = { facts: { ...session.facts }, topics: session.topics.slice(), turns: session.turns };
  if (session.pending !== undefined) copy.pending = session.pending;
  if (session.lastAnswerId !== undefined) copy.lastAnswerId = session.lastAnswerId;
  return copy;
}

/** In-memory sessions, bounded by count (least recently used go first) and idle time. */
export function createMemorySessionStore(options: { max: number; ttlMs: number }): SessionStore {
  const cache = new LRUCache<string, Session>({ max: options.max, ttl: options.ttlMs, updateAgeOnGet: true });
  return {
    kind: 'memory',
    // Sessions are small plain data; copying their two containers keeps callers from mutating the store.
    get: async (id) => {
      const session = cache.get(id);
      return session ? copySession(session) : undefined;
    },
    set: async (id, session) => {
      cache.set(id, copySession(session));
    },
    delete: async (id) => {
      cache.delete(id);
    },
    size: async () => cache.size,
    close: async () => cache.clear(),
  };
}
