import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-md.js';
import type { RunReport } from './run.js';

/** Where `npm run eval` writes its reports (git-ignored). */
export const DEFAULT_REPORTS_DIR = fileURLToPath(new URL('../reports/', import.meta.url));

/** `2026-06-01T08-30-00Z`: the run's ISO start time, usable as a file name. */
export function reportStamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Writes the JSON, Markdown and HTML reports of a run as `<timestamp>.{json,md,html}`; returns their paths. */
export function writeReports(report: RunReport, dir: string = DEFAULT_REPORTS_DIR): { json: string; md: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, reportStamp(report.startedAt));
  const files = { json: `${base}.json`, md: `${base}.md`, html: `${base}.html` };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.md, renderMarkdown(report));
  writeFileSync(files.html, renderHtml(report));
  return files;
}
