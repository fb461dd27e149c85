import { LRUCache } from 'lru-cache';
import { z } from 'zod';

/** A fact the conversation knows about the company, with the words that stated it. */
export interface SessionFact {
  value: string | number | boolean;
  said: string;
}

/** What the advisor remembers of one conversation. */
export interface Session {
  facts: Record<string, SessionFact>;
  /** The fact the advisor asked for last; the next message may answer it. */
  pending?: string;
  /** Topic ids of the last answer about awards, for "能补多少" follow-ups. */
  topics: string[];
  turns: number;
  lastAnswerId?: string;
  /** The clauses the last answer cited (docId:clauseId), for "依据是哪条" next. */
  lastCitations?: string[];
  /** No message so far spoke of the asker's own company: its facts are cases named in general questions. */
  general?: boolean;
  /** A tax-inclusive figure the last answer could not use and asked about: a VAT rate next completes it. */
  preTax?: { factId: string; yuan: number; said: string };
  /** Money the company said it received for an award, by topic id (区里给了10万 about its recognition). */
  received?: Record<string, number>;
}

/** A stored session as read back (from Redis, possibly written by another version): checked, never trusted. */
export const SessionSchema = z.object({
  facts: z.record(z.string(), z.object({ value: z.union([z.string(), z.number(), z.boolean()]), said: z.string() })),
  pending: z.string().optional(),
  topics: z.array(z.string()),
  turns: z.number().int().nonnegative(),
  lastAnswerId: z.string().optional(),
  lastCitations: z.array(z.string()).max(10).optional(),
  general: z.boolean().optional(),
  received: z.record(z.string(), z.number().int().nonnegative()).optional(),
  preTax: z.object({ factId: z.string(), yuan: z.number().int().nonnegative(), said: z.string().max(200) }).optional(),
});

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
  const facts: Record<string, SessionFact> = {};
  for (const [id, fact] of Object.entries(session.facts)) facts[id] = { value: fact.value, said: fact.said };
  const copy: Session = { facts, topics: session.topics.slice(), turns: session.turns };
  if (session.pending !== undefined) copy.pending = session.pending;
  if (session.lastAnswerId !== undefined) copy.lastAnswerId = session.lastAnswerId;
  if (session.lastCitations !== undefined) copy.lastCitations = session.lastCitations.slice();
  if (session.general !== undefined) copy.general = session.general;
  if (session.preTax !== undefined) copy.preTax = { ...session.preTax };
  if (session.received !== undefined) copy.received = { ...session.received };
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
