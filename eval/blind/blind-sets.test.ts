import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoldenSet } from '../golden/schema.js';

/** The blind sets are not gated, but they must stay runnable: valid cases, unique ids, the sizes written. */
const BLIND_DIR = path.dirname(new URL(import.meta.url).pathname);

describe('blind sets', () => {
  it.each([
    ['zhengzhou/dev.jsonl', 184],
    ['zhengzhou/fresh.jsonl', 188],
    ['lucheng/dev.jsonl', 110],
    ['lucheng/fresh.jsonl', 110],
    ['zhengzhou/fresh2.jsonl', 188],
    ['lucheng/fresh2.jsonl', 148],
  ])('%s holds %d valid cases', (file, size) => {
    expect(loadGoldenSet(path.join(BLIND_DIR, file))).toHaveLength(size);
  });

  it('every set has its writer’s arithmetic beside it', () => {
    for (const base of ['zhengzhou', 'lucheng']) {
      const files = readdirSync(path.join(BLIND_DIR, base));
      for (const set of files.filter((f) => f.endsWith('.jsonl'))) expect(files).toContain(set.replace('.jsonl', '.why.md'));
    }
  });
});
