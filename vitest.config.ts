import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{knowledge,server,bot,eval}/**/*.test.ts', '*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
