import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's files: index.html and setup.html here, public/ (CSS, icon), src/ (the browser TypeScript). */
export const CONSOLE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLE_PUBLIC_DIR = path.join(CONSOLE_DIR, 'public');

/**
 * Compiles the browser TypeScript (src/main.ts and what it imports) into one ES module, in memory, with the
 * esbuild that tsx already brings. Runs once when the service starts: no build step, no files written.
 */
export async function buildConsoleScript(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(CONSOLE_DIR, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'edge100', 'firefox100', 'safari15'],
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('console: esbuild produced no output');
  return output.text;
}
