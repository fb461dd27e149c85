import { Redis } from 'ioredis';
import { z } from 'zod';
import { hashSessionId, type StaffSession, type StaffSessionStore } from './record-store.js';

const PREFIX = 'advisor:staff-session:';
/**
 * Kept this long past expiry, so a staff member coming back to an expired page is told "expired" rather than
 * "please sign in"; the expiry itself is checked on every request.
 */
const EXPIRED_GRACE_MS = 60 * 60_000;

const Stored = z.object({
  user: z.string(),
  via: z.enum(['password', 'token']),
  createdAt: z.number(),
  expiresAt: z.number(),
});

/** Console sign-ins in Redis (REDIS_URL without DATABASE_URL), shared by every instance using that Redis. */
export async function createRedisStaffSessionStore(url: string): Promise<StaffSessionStore & { close(): Promise<void> }> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await redis.connect();
  return {
    async get(id) {
      const value = await redis.get(PREFIX + hashSessionId(id));
      if (!value) return undefined;
      try {
        const parsed = Stored.safeParse(JSON.parse(value));
        return parsed.success ? (parsed.data as StaffSession) : undefined;
      } catch {
        return undefined;
      }
    },
    async set(id, session) {
      const ttl = Math.max(1, session.expiresAt - Date.now() + EXPIRED_GRACE_MS);
      await redis.set(PREFIX + hashSessionId(id), JSON.stringify(session), 'PX', ttl);
    },
    async delete(id) {
      await redis.del(PREFIX + hashSessionId(id));
    },
    // Redis forgets them by itself (PX).
    async sweep() {},
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
