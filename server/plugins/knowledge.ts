import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import fp from 'fastify-plugin';
import { createOpenAiEmbedder } from '../../knowledge/index/embedder.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { RuleSet } from '../../knowledge/rules/rules-schema.js';

/**
 * What the service answers from at one moment: the knowledge base, its rule sets, and what other plugins
 * build from them (the advisor). Replaced as a whole when the base changes; never modified.
 */
export interface KnowledgeSnapshot {
  readonly knowledge: KnowledgeBase;
  readonly ruleSets: RuleSet[];
  /** 1 for the knowledge opened at start-up, +1 for every swap. */
  readonly generation: number;
  /** ISO time it went live. */
  readonly since: string;
  /** What `derive` builders made from this knowledge, by name. */
  readonly derived: ReadonlyMap<string, unknown>;
}

export interface LiveKnowledge {
  /** The snapshot new requests start with. */
  readonly current: KnowledgeSnapshot;
  /** The snapshot of the request being served (its start), else the current one. */
  snapshot(): KnowledgeSnapshot;
  /**
   * Registers something built from each knowledge (the advisor): built now for the current snapshot and for
   * every later one before it goes live. Returns the accessor for the request's snapshot.
   */
  derive<T>(name: string, build: (knowledge: KnowledgeBase) => T): () => T;
  /** Opens the base again from its folder (rebuilding the index when its inputs changed) and builds what derives from it; not yet live. */
  prepare(): Promise<KnowledgeSnapshot>;
  /** Makes a prepared snapshot the live one: requests already running keep theirs. */
  swap(next: KnowledgeSnapshot): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The request's snapshot of the knowledge base (see LiveKnowledge). */
    readonly knowledge: KnowledgeBase;
    readonly ruleSets: RuleSet[];
    liveKnowledge: LiveKnowledge;
  }
}

/**
 * Opens the knowledge base (building the index when missing, stale or corrupt) and loads the award rules,
 * refusing to start when a rule's constants are not in its clause.
 *
 * The knowledge can change while the service runs (the console's 知识库 screen): a new snapshot is built in
 * memory beside the live one, then one reference is replaced. Each request is pinned to the snapshot live
 * when it arrived (an AsyncLocalStorage entered for the request), so `app.knowledge`, `app.ruleSets` and
 * everything derived read the same knowledge from its first line to its last, whatever is swapped meanwhile.
 */
export default fp(
  async (app) => {
    const config = app.config;
    const embedder = config.embeddings ? createOpenAiEmbedder(config.embeddings) : undefined;
    const open = (rebuild: 'if-stale') =>
      openKnowledgeBase({
        ...(config.knowledgeBase ? { base: config.knowledgeBase } : {}),
        ...(config.knowledgeDistDir ? { distDir: path.resolve(config.knowledgeDistDir) } : {}),
        embedder,
        rebuild,
        log: (message) => app.log.info(message),
      });

    const started = performance.now();
    const builders = new Map<string, (knowledge: KnowledgeBase) => unknown>();
    const snapshotOf = (knowledge: KnowledgeBase, generation: number): KnowledgeSnapshot => ({
      knowledge,
      ruleSets: knowledge.ruleSets,
      generation,
      since: new Date().toISOString(),
      derived: new Map([...builders].map(([name, build]) => [name, build(knowledge)])),
    });
    let current = snapshotOf(await open('if-stale'), 1);
    app.log.info(
      {
        documents: current.knowledge.documents.length,
        clauses: current.knowledge.clauses.length,
        index: current.knowledge.origin,
        ms: Math.round(performance.now() - started),
      },
      'knowledge base ready',
    );

    const pinned = new AsyncLocalStorage<KnowledgeSnapshot>();
    const snapshot = () => pinned.getStore() ?? current;
    const live: LiveKnowledge = {
      get current() {
        return current;
      },
      snapshot,
      derive<T>(name: string, build: (knowledge: KnowledgeBase) => T) {
        if (builders.has(name)) throw new Error(`knowledge: "${name}" is already derived`);
        builders.set(name, build);
        // Built for the snapshot already live, which is otherwise left as it is.
        (current.derived as Map<string, unknown>).set(name, build(current.knowledge));
        return () => snapshot().derived.get(name) as T;
      },
      async prepare() {
        const knowledge = await open('if-stale');
        return snapshotOf(knowledge, current.generation + 1);
      },
      swap(next) {
        current = next;
        app.log.info(
          { generation: next.generation, documents: next.knowledge.documents.length, clauses: next.knowledge.clauses.length },
          'knowledge swapped',
        );
      },
    };

    app.decorate('liveKnowledge', live);
    app.decorate('knowledge', { getter: () => snapshot().knowledge });
    app.decorate('ruleSets', { getter: () => snapshot().ruleSets });
    // Entered when the request arrives, for the rest of it: fastify completes body parsing in the request's
    // own async scope, so the handler of a POST runs inside it too (knowledge.test.ts checks both methods).
    app.addHook('onRequest', (_request, _reply, done) => pinned.run(current, done));
  },
  { name: 'knowledge', dependencies: ['config'] },
);
