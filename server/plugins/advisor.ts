import fp from 'fastify-plugin';
import { createAdvisor, type Advisor, type AskInput, type AdvisorAnswer } from '../answering/advisor.js';
import { maskPersonalData } from '../logging/mask.js';
import { createMemorySessionStore, type SessionStore } from '../sessions/session-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The advisor of the request's knowledge snapshot. */
    readonly advisor: Advisor;
    sessions: SessionStore;
    /** Answers a question and logs it (before the answer is sent), counting it in the metrics. */
    answerAndLog(input: AskInput & { channel: string }): Promise<AdvisorAnswer>;
  }
}

const LEVELS_WITH_INFO = new Set(['info', 'debug', 'trace']);

export interface AdvisorPluginOptions {
  /** Replaces the session store chosen from configuration (tests, Redis). */
  sessions?: SessionStore;
}

/** The answering service, with sessions, the optional model composer, metrics and the Q&A log wired in. */
export default fp<AdvisorPluginOptions>(
  async (app, options) => {
    const config = app.config;
    let sessions = options.sessions;
    if (!sessions && config.sessions.redisUrl) {
      const { createRedisSessionStore } = await import('../sessions/redis-session-store.js');
      sessions = await createRedisSessionStore({ url: config.sessions.redisUrl, ttlMs: config.sessions.ttlMs });
    }
    sessions ??= createMemorySessionStore({ max: config.sessions.max, ttlMs: config.sessions.ttlMs });
    const sessionStore = sessions;
    // The model client is loaded only when a model is configured; the embedded default never needs it.
    const composerModule = config.llm ? await import('../answering/model-composer.js') : undefined;
    // One advisor per knowledge snapshot (its reading context, analysis memos and composer are built from
    // the knowledge): when the knowledge base is swapped, a request keeps the advisor of its own snapshot.
    const advisorOf = app.liveKnowledge.derive('advisor', (knowledge) => {
      const composer =
        composerModule && config.llm
          ? composerModule.createModelComposer({ ...config.llm, ruleSets: knowledge.ruleSets, assistantName: knowledge.assistantName })
          : undefined;
      const advisor = createAdvisor({
        knowledge,
        sessions: sessionStore,
        hotline: config.hotline,
        composer,
        modelTimeoutMs: config.llm?.timeoutMs,
        clock: app.clock,
        analysisCacheSize: config.analysisCacheSize,
        events: {
          onModelFailure: (reason) => {
            app.metrics.modelFailures.inc({
              reason: reason.includes('timed out') || reason.includes('timeout') ? 'timeout' : reason.includes('tool') ? 'tool' : 'error',
            });
            app.log.warn({ reason }, 'model failed; embedded answer sent');
          },
          onGuardViolation: (violations) => {
            app.metrics.guardViolations.inc();
            app.log.warn({ violations }, 'guard rejected a model answer; embedded answer sent');
          },
        },
      });
      return { advisor, composer };
    });
    app.decorate('advisor', { getter: () => advisorOf().advisor });
    app.metrics.observe('analysisCache', () => advisorOf().advisor.cacheStats());
    app.decorate('sessions', sessions);
    app.decorate('answerAndLog', async (input: AskInput & { channel: string }) => {
      const answer = await advisorOf().advisor.ask(input);
      await app.qaLog.recordAsk({
        id: answer.answerId!,
        at: app.clock.now(),
        sessionId: input.sessionId,
        channel: input.channel,
        question: input.question,
        kind: answer.kind,
        intent: answer.meta.intent,
        citations: answer.citations.map((c) => `${c.docId}:${c.clauseId}`),
        amountsYuan: answer.calculations.map((c) => c.amountYuan),
        latencyMs: answer.meta.latencyMs,
        composer: answer.meta.composer,
        injection: answer.meta.injection,
        guardViolations: answer.meta.guardViolations.length,
      });
      // Masking costs a few regular expressions per answer: only when the line is written.
      if (LEVELS_WITH_INFO.has(app.log.level)) {
        app.log.info(
          {
            answerId: answer.answerId,
            channel: input.channel,
            kind: answer.kind,
            intent: answer.meta.intent,
            question: maskPersonalData(input.question),
            ms: Math.round(answer.meta.latencyMs * 10) / 10,
          },
          'answered',
        );
      }
      app.metrics.asks.inc({ kind: answer.kind, channel: input.channel });
      app.metrics.askDuration.observe({ kind: answer.kind }, answer.meta.latencyMs / 1000);
      if (answer.meta.injection) app.metrics.injections.inc();
      return answer;
    });
    app.addHook('onClose', async () => sessions.close());
    const composer = advisorOf().composer;
    if (composer) app.log.info({ model: composer.model }, 'answers phrased by a model, guarded');
  },
  { name: 'advisor', dependencies: ['config', 'clock', 'knowledge', 'qa-log', 'metrics'] },
);
