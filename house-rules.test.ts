import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The house rules are enforced by `npm run lint`; these fixtures prove each boundary rule fires (and does not
 * fire on what is allowed), so a config change that silently drops one fails here.
 */
const eslint = new ESLint({ cwd: process.cwd(), ignore: false });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('folder boundaries', () => {
  it('knowledge/ never imports server/ or bot/', async () => {
    expect(await problems('knowledge/index/fixture.ts', "import { buildServer } from '../../server/app.js';\nvoid buildServer;\n")).toEqual(
      [expect.stringContaining('knowledge/ never imports server/')],
    );
    expect(
      await problems('knowledge/fixture.ts', "import { formatAnswer } from '../bot/wechaty/reply-format.js';\nvoid formatAnswer;\n"),
    ).toEqual([expect.stringContaining('knowledge/ never imports')]);
    expect(await problems('knowledge/fixture.ts', "import { formatYuan } from './text/money.js';\nvoid formatYuan;\n")).toEqual([]);
  });

  it('bot/ reaches the service over HTTP only: a value import from server/ is refused, a type import allowed', async () => {
    expect(await problems('bot/wechaty/fixture.ts', "import { Answer } from '../../server/schemas.js';\nvoid Answer;\n")).toEqual([
      expect.stringContaining('bot/ reaches the service only over HTTP'),
    ]);
    expect(
      await problems('bot/wechaty/fixture.ts', "import type { AnswerBody } from '../../server/schemas.js';\nexport type A = AnswerBody;\n"),
    ).toEqual([]);
  });

  it('the console page sees the service through the generated types only', async () => {
    expect(
      await problems('server/console/src/fixture.ts', "import type { AnswerBody } from '../../schemas.js';\nexport type A = AnswerBody;\n"),
    ).toEqual([expect.stringContaining('generated API types')]);
  });
});

describe('import cycles', () => {
  // Inside a folder the TypeScript projects cover, so the resolver maps './b.js' to b.ts as for real code.
  const dir = path.join('server', `lint-cycle-fixture-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are refused', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b();\n");
    writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a.js';\nexport const b = () => a();\n");
    const [result] = await eslint.lintFiles([path.join(dir, 'a.ts')]);
    expect(result?.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });
});
