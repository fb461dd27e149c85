/** Small measuring and reporting helpers shared by the benchmarks. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summariseLatency(samples: number[]): LatencySummary {
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return {
    count: samples.length,
    meanMs: mean,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    p99Ms: percentile(samples, 99),
    maxMs: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

export interface MemorySnapshot {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

export function memoryNow(): MemorySnapshot {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
}

/**
 * Peak tracking. The OS keeps the true peak resident size (getrusage maxrss); V8 keeps no peak of the
 * heap, so the heap peak is the largest value seen at the sample points the caller chooses (progress
 * callbacks during a build): a lower bound of the real peak, close to it when samples are frequent.
 */
export class PeakMemory {
  heapUsedBytes = 0;
  externalBytes = 0;
  sample(): void {
    const m = process.memoryUsage();
    this.heapUsedBytes = Math.max(this.heapUsedBytes, m.heapUsed);
    this.externalBytes = Math.max(this.externalBytes, m.external);
  }
  /** The process's peak resident set so far, from the OS. */
  static peakRssBytes(): number {
    return process.resourceUsage().maxRSS * 1024;
  }
}

/** Runs a full collection when the process was started with --expose-gc, so "retained" means retained. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(file) : statSync(file).size;
  }
  return total;
}

/** Seeded PRNG (mulberry32): the same generated questions on every machine and run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
export const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
export const pct = (value: number): string => (value * 100).toFixed(1);

/** A plain text table: left-aligned first column, right-aligned numbers; East Asian characters count double. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => width(r[c] ?? ''))));
  const pad = (s: string, c: number) => {
    const fill = ' '.repeat(widths[c]! - width(s));
    return c === 0 ? s + fill : fill + s;
  };
  const line = (r: string[]) => r.map((s, c) => pad(s, c)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** `--name value` from argv. */
export function argValue(name: string, argv: string[] = process.argv.slice(2)): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

export function argFlag(name: string, argv: string[] = process.argv.slice(2)): boolean {
  return argv.includes(name);
}
