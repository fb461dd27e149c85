import { randomUUID } from 'node:crypto';
import { openKnowledgeBase, type KnowledgeBase, type OpenKnowledgeOptions } from '../../knowledge/knowledge-base.js';
import { createAdvisor, type ModelComposer } from '../../server/answering/advisor.js';
import { DEFAULT_HOTLINE } from '../../server/config.js';
import { Answer, type AnswerBody } from '../../server/schemas.js';
import { createMemorySessionStore } from '../../server/sessions/session-store.js';
import { GOLDEN_CATEGORIES, type GoldenCase } from '../golden/schema.js';
import { computeRunMetrics, evaluateGates, type GateResult, type RunMetrics } from './metrics.js';
import { buildCaseRecord, type CaseRecord, type TurnsResult } from './record.js';
import { fixedDayClock } from '../../server/clock.js';

/**
 * The date cases without their own `asOf` are answered on, so that a run today and a run next year give the
 * same results (in process: the advisor's today(); over HTTP: sent as `asOf`).
 */
export const DEFAULT_AS_OF = '2026-06-01';

export interface TargetAnswer {
  answer: AnswerBody;
  /** The advisor's `meta.retrieved` (in process only). */
  retrieved?: string[];
  composer?: string;
  /** Time of the request that answered (over HTTP, without waits for a rate limit); else measured around ask(). */
  latencyMs?: number;
}

/** Something that answers questions: the advisor in this process, or a running service. */
export interface Target {
  mode: 'in-process' | 'http';
  /** For the report: `in-process`, or the service's URL. */
  label: string;
  /** `template`, `model:<name>`, or `unknown` over HTTP when the service does not say. */
  composer: string;
  /** Called once before the first case (an HTTP target asks the service how it phrases answers). */
  init?(): Promise<void>;
  ask(input: { question: string; sessionId: string; asOf?: string }): Promise<TargetAnswer>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  /** An open knowledge base; otherwise one is opened with `knowledgeOptions` (default: KNOWLEDGE_BASE, then the Zhengzhou base). */
  knowledge?: KnowledgeBase;
  knowledgeOptions?: OpenKnowledgeOptions;
  /** A model to phrase answers; absent = the embedded default (templates). */
  composer?: ModelComposer;
  modelTimeoutMs?: number;
  hotline?: string;
  /** What today() returns for cases without `asOf`. */
  today?: string;
}

/** The advisor in this process, on its own session store: every case gets a fresh session. */
export async function createInProcessTarget(options: InProcessOptions = {}): Promise<Target> {
  const knowledge = options.knowledge ?? (await openKnowledgeBase(options.knowledgeOptions));
  const sessions = createMemorySessionStore({ max: 10_000, ttlMs: 3_600_000 });
  const today = options.today ?? DEFAULT_AS_OF;
  const advisor = createAdvisor({
    knowledge,
    sessions,
    hotline: options.hotline ?? DEFAULT_HOTLINE,
    ...(options.composer ? { composer: options.composer } : {}),
    ...(options.modelTimeoutMs !== undefined ? { modelTimeoutMs: options.modelTimeoutMs } : {}),
    clock: fixedDayClock(today),
  });
  return {
    mode: 'in-process',
    label: 'in-process',
    composer: options.composer ? `model:${options.composer.model}` : 'template',
    async ask({ question, sessionId, asOf }) {
      const { meta, ...answer } = await advisor.ask({ question, sessionId, channel: 'eval', ...(asOf ? { asOf } : {}) });
      return { answer, retrieved: meta.retrieved, composer: meta.composer };
    },
    async close() {
      await sessions.close();
    },
  };
}

export interface HttpOptions {
  url: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** How often a request refused with 429 is retried (waiting as the service says). */
  maxRetries?: number;
  fetchImpl?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running service: POST /v1/ask with one sessionId per case. The answer carries no retrieval hits. */
export function createHttpTarget(options: HttpOptions): Target {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetchImpl ?? fetch;
  const maxRetries = options.maxRetries ?? 8;
  const target: Target = {
    mode: 'http',
    label: base,
    composer: 'unknown',
    async init() {
      // /readyz says which model phrases answers (null: the embedded templates).
      try {
        const response = await doFetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
        const body = (await response.json()) as { model?: unknown };
        if (body.model === null) target.composer = 'template';
        else if (typeof body.model === 'string') target.composer = `model:${body.model}`;
      } catch {
        // Not every deployment exposes /readyz: the composer stays unknown.
      }
    },
    async ask({ question, sessionId, asOf }) {
      for (let attempt = 0; ; attempt++) {
        const started = performance.now();
        const response = await doFetch(`${base}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question, sessionId, channel: 'eval', ...(asOf ? { asOf } : {}) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
        if (response.status === 429 && attempt < maxRetries) {
          const retryAfter = Number(response.headers.get('retry-after'));
          await response.body?.cancel();
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000 * 2 ** attempt);
          continue;
        }
        const text = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        const parsed = Answer.safeParse(JSON.parse(text));
        if (!parsed.success)
          throw new Error(`答复不符合接口定义：${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return { answer: parsed.data, latencyMs: performance.now() - started };
      }
    },
    async close() {},
  };
  return target;
}

export interface RunReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  target: { mode: Target['mode']; label: string; composer: string };
  defaultAsOf: string;
  /** Categories asked for with --filter (all when absent). */
  filter?: string[];
  /** How the retrieval metrics were measured in this run. */
  retrievalNote: string;
  /** How many answers a model phrased (the rest are templates), in process. */
  composerCounts: Record<string, number>;
  cases: CaseRecord[];
  metrics: RunMetrics;
  gates: GateResult[];
  gatesPassed: boolean;
}

export interface RunOptions {
  defaultAsOf?: string;
  /** Cases answered at once (each case's turns stay in order). In process the advisor is fast: 1 is fine. */
  concurrency?: number;
  filter?: string[];
  onCase?: (record: CaseRecord, done: number, total: number) => void;
}

export const RETRIEVAL_NOTES = {
  'in-process': '进程内：查条款类答复用顾问的检索结果（meta.retrieved，前 3 条）排名；计算、追问等其他答复用其引用条款。',
  http: '通过 HTTP：接口不返回检索结果，召回率@k 与 MRR 只按答复引用的条款计算。',
} as const;

/** Asks every turn of one case in order on a fresh session; the last answer is the one scored. */
async function askCase(target: Target, goldenCase: GoldenCase, sessionId: string, asOf: string | undefined): Promise<TurnsResult> {
  const turnLatenciesMs: number[] = [];
  let last: TargetAnswer | undefined;
  try {
    for (const question of goldenCase.turns) {
      const started = performance.now();
      last = await target.ask({ question, sessionId, ...(asOf ? { asOf } : {}) });
      turnLatenciesMs.push(last.latencyMs ?? performance.now() - started);
    }
  } catch (error) {
    return { error: `第 ${turnLatenciesMs.length + 1} 轮：${(error as Error).message}`, turnLatenciesMs };
  }
  return {
    ...(last ? { answer: last.answer } : {}),
    ...(last?.retrieved ? { retrieved: last.retrieved } : {}),
    ...(last?.composer ? { composer: last.composer } : {}),
    turnLatenciesMs,
  };
}

/** Runs and scores the cases against a target; computes metrics overall and per category, and the gates. */
export async function runGoldenSet(cases: GoldenCase[], target: Target, options: RunOptions = {}): Promise<RunReport> {
  const defaultAsOf = options.defaultAsOf ?? DEFAULT_AS_OF;
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  const started = performance.now();
  await target.init?.();
  const records: CaseRecord[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const goldenCase = cases[index]!;
      const asOf = goldenCase.asOf ?? defaultAsOf;
      // In process today() is fixed to the default; over HTTP the service's today is not ours, so send it.
      const sentAsOf = target.mode === 'http' ? asOf : goldenCase.asOf;
      const result = await askCase(target, goldenCase, `eval-${runId}-${goldenCase.id}`, sentAsOf);
      const record = buildCaseRecord(goldenCase, asOf, result);
      records[index] = record;
      options.onCase?.(record, ++done, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, cases.length)) }, worker));
  const metrics = computeRunMetrics(records, GOLDEN_CATEGORIES);
  const gates = evaluateGates(metrics.overall);
  const composerCounts: Record<string, number> = {};
  for (const r of records) {
    const key = r.answer?.composer ?? (r.answer ? 'unknown' : 'error');
    composerCounts[key] = (composerCounts[key] ?? 0) + 1;
  }
  return {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: performance.now() - started,
    target: { mode: target.mode, label: target.label, composer: target.composer },
    defaultAsOf,
    ...(options.filter?.length ? { filter: options.filter } : {}),
    retrievalNote: RETRIEVAL_NOTES[target.mode],
    composerCounts,
    cases: records,
    metrics,
    gates,
    gatesPassed: gates.every((g) => g.pass),
  };
}

/**
 * Cases whose category is one of `filters`, or starts with one followed by "-" (`award` → every award-*).
 * Throws on a filter that matches no category, so a typo does not pass as an empty green run.
 */
export function filterCases(cases: GoldenCase[], filters: string[]): GoldenCase[] {
  if (filters.length === 0) return cases;
  const matches = (category: string, f: string) => category === f || category.startsWith(`${f}-`);
  for (const f of filters) {
    if (!cases.some((c) => matches(c.category, f))) {
      throw new Error(`--filter ${f}: 没有这个类别（可选：${GOLDEN_CATEGORIES.join(', ')}）`);
    }
  }
  return cases.filter((c) => filters.some((f) => matches(c.category, f)));
}
