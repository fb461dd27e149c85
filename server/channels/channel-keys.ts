import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ChannelKeyEntry } from '../config.js';

/**
 * Channel keys: 32 random bytes, base64url, with a `ck_` prefix so a leaked key is recognisable in a log or
 * a repository scan. The service keeps only each key's SHA-256. A fast hash is enough here because the key
 * is not a password: with 256 bits of randomness nobody can guess it from its hash, however many hashes a
 * second they try, so a slow hash (scrypt, as for console passwords) would cost every request ~0.1 s and
 * protect nothing more.
 */
export const CHANNEL_KEY_PREFIX = 'ck_';

export function generateChannelKey(): string {
  return CHANNEL_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashChannelKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Returns a lookup from a presented key to its channel's name (undefined for an unknown key). Every entry is
 * compared, in constant time, so the time taken says nothing about which entry came close.
 */
export function createKeyVerifier(entries: readonly ChannelKeyEntry[]): (presented: string) => string | undefined {
  const known = entries.map((e) => ({ name: e.name, digest: Buffer.from(e.sha256, 'hex') }));
  return (presented) => {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let match: string | undefined;
    for (const entry of known) if (timingSafeEqual(digest, entry.digest)) match = entry.name;
    return match;
  };
}
