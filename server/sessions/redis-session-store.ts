import { Redis } from 'ioredis';
import { SessionSchema, type Session, type SessionStore } from './session-store.js';

const PREFIX = 'advisor:session:';

/**
 * Sessions in Redis, so several service processes behind a load balancer share conversations.
 * Each session is one JSON value with a TTL refreshed on every write.
 */
export async function createRedisSessionStore(options: { url: string; ttlMs: number }): Promise<SessionStore> {
  const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await redis.connect();
  return {
    kind: 'redis',
    async get(id) {
      const value = await redis.get(PREFIX + id);
      if (!value) return undefined;
      // A session written by an older version (or damaged) starts afresh rather than misleading the answer.
      try {
        const parsed = SessionSchema.safeParse(JSON.parse(value));
        return parsed.success ? (parsed.data as Session) : undefined;
      } catch {
        return undefined;
      }
    },
    async set(id, session) {
      await redis.set(PREFIX + id, JSON.stringify(session), 'PX', options.ttlMs);
    },
    async delete(id) {
      await redis.del(PREFIX + id);
    },
    async size() {
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
        cursor = next;
        count += keys.length;
      } while (cursor !== '0');
      return count;
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
