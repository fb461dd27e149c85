/**
 * `npm run miniprogram:build`: compiles the mini-program's TypeScript (bot/miniprogram/tsconfig.json,
 * CommonJS as WeChat loads it) into bot/miniprogram/dist/ and copies the pages' .wxml/.wxss/.json next to
 * the compiled .js. WeChat DevTools opens bot/miniprogram/, whose project.config.json points at dist/.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const MINIPROGRAM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../miniprogram');

/** Files the mini-program needs besides compiled code; the project's own configuration stays behind. */
const ASSET = /\.(wxml|wxss|json|wxs|png|jpg|jpeg|gif|svg)$/;
const NOT_SHIPPED = new Set(['tsconfig.json', 'project.config.json', 'project.private.config.json', 'package.json']);
const SKIPPED_DIRS = new Set(['dist', 'node_modules']);

export class MiniprogramBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MiniprogramBuildError';
  }
}

function assets(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : assets(full, base);
    return ASSET.test(entry.name) && !NOT_SHIPPED.has(entry.name) ? [path.relative(base, full)] : [];
  });
}

/**
 * Builds into `outDir` (default bot/miniprogram/dist, emptied first) and returns the files written.
 * Type errors fail the build with the compiler's messages, and nothing is emitted.
 */
export function buildMiniprogram(options: { outDir?: string } = {}): { outDir: string; files: string[] } {
  const outDir = path.resolve(options.outDir ?? path.join(MINIPROGRAM_DIR, 'dist'));
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new MiniprogramBuildError(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(MINIPROGRAM_DIR, 'tsconfig.json'), { outDir }, host);
  if (!parsed) throw new MiniprogramBuildError('cannot read bot/miniprogram/tsconfig.json');
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length > 0) {
    throw new MiniprogramBuildError(
      ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => process.cwd(),
        getNewLine: () => '\n',
      }),
    );
  }

  rmSync(outDir, { recursive: true, force: true });
  const files: string[] = [];
  const emitted = program.emit(undefined, (fileName, text) => {
    mkdirSync(path.dirname(fileName), { recursive: true });
    writeFileSync(fileName, text);
    files.push(path.relative(outDir, fileName));
  });
  if (emitted.emitSkipped) throw new MiniprogramBuildError('TypeScript emitted nothing');
  for (const asset of assets(MINIPROGRAM_DIR)) {
    const target = path.join(outDir, asset);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(MINIPROGRAM_DIR, asset), target);
    files.push(asset);
  }
  // The repository is an ES-module package; this marks the compiled CommonJS as such for Node (tests
  // load pages with require). WeChat ignores it and project.config.json leaves it out of uploads.
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  return { outDir, files: files.sort() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { outDir, files } = buildMiniprogram();
    console.log(`mini-program built: ${files.length} files in ${path.relative(process.cwd(), outDir) || outDir}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
