import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES, generateApiTypes } from './api-types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('generated API types', () => {
  it.each(GENERATED_FILES)('%s matches server/schemas.ts (run `npm run api:types` after changing the contract)', async (file) => {
    const expected = await generateApiTypes();
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(expected);
  });

  it('carries every field of the answer contract', async () => {
    const text = await generateApiTypes();
    const answer = /export interface Answer \{[\s\S]*?\n\}/.exec(text)?.[0] ?? '';
    for (const field of ['answer:', 'kind:', 'citations:', 'calculations:', 'asOf:', 'followUp?:', 'totalYuan?:'])
      expect(answer).toContain(field);
  });
});
