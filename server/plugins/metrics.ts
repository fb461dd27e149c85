import type {} from '@fastify/swagger';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MemoStats } from '../answering/analysis-cache.js';

export interface AdvisorMetrics {
  registry: Registry;
  asks: Counter<'kind' | 'channel'>;
  askDuration: Histogram<'kind'>;
  modelFailures: Counter<'reason'>;
  guardViolations: Counter;
  injections: Counter;
  /**
   * Requests refused by a rate limit: `key` is the channel key's name (`anonymous` without one), `scope` the
   * limit that refused it: `ip` (anonymous callers), `key` (a key's total) or `end_user` (one X-End-User).
   */
  rateLimited: Counter<'key' | 'scope'>;
  /** Requests refused with 401 for a wrong or malformed channel key. */
  channelKeyRejections: Counter;
  /** Reports the advisor's analysis memos at each scrape (hits, misses, size by memo). */
  observe(what: 'analysisCache', read: () => Record<string, MemoStats>): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AdvisorMetrics;
  }
}

/** Prometheus counters for answers, model faults and guard violations, served at GET /metrics. */
export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const metrics: AdvisorMetrics = {
      registry,
      asks: new Counter({
        name: 'advisor_asks_total',
        help: 'Questions answered, by answer kind and channel',
        labelNames: ['kind', 'channel'],
        registers: [registry],
      }),
      askDuration: new Histogram({
        name: 'advisor_ask_duration_seconds',
        help: 'Time to answer a question',
        labelNames: ['kind'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10],
        registers: [registry],
      }),
      modelFailures: new Counter({
        name: 'advisor_model_failures_total',
        help: 'Model calls that failed; the embedded answer was sent',
        labelNames: ['reason'],
        registers: [registry],
      }),
      guardViolations: new Counter({
        name: 'advisor_guard_violations_total',
        help: 'Model answers rejected for stating an amount from nowhere',
        registers: [registry],
      }),
      injections: new Counter({
        name: 'advisor_prompt_injections_total',
        help: 'Questions with prompt-injection text set aside',
        registers: [registry],
      }),
      rateLimited: new Counter({
        name: 'advisor_rate_limited_total',
        help: 'Requests refused by a rate limit, by channel key name (anonymous without a key) and by the limit (ip, key, end_user)',
        labelNames: ['key', 'scope'],
        registers: [registry],
      }),
      channelKeyRejections: new Counter({
        name: 'advisor_channel_key_rejections_total',
        help: 'Requests refused with 401 for a wrong or malformed channel key',
        registers: [registry],
      }),
      observe(_what, read) {
        new Gauge({
          name: 'advisor_analysis_cache',
          help: 'Question-analysis and retrieval memos: hits and misses since start, entries held',
          labelNames: ['memo', 'stat'],
          registers: [registry],
          collect() {
            for (const [memo, stats] of Object.entries(read())) {
              for (const [stat, value] of Object.entries(stats)) this.set({ memo, stat }, value);
            }
          },
        });
      },
    };
    app.decorate('metrics', metrics);
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
