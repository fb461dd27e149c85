import path from 'node:path';
import fp from 'fastify-plugin';
import { createOpenAiEmbedder } from '../../knowledge/index/embedder.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { RuleSet } from '../../knowledge/rules/rules-schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    knowledge: KnowledgeBase;
    ruleSets: RuleSet[];
  }
}

/**
 * Opens the knowledge base (building the index when missing, stale or corrupt) and loads the award rules,
 * refusing to start when a rule's constants are not in its clause.
 */
export default fp(
  async (app) => {
    const config = app.config;
    const started = performance.now();
    const knowledge = await openKnowledgeBase({
      ...(config.knowledgeBase ? { base: config.knowledgeBase } : {}),
      ...(config.knowledgeDistDir ? { distDir: path.resolve(config.knowledgeDistDir) } : {}),
      embedder: config.embeddings ? createOpenAiEmbedder(config.embeddings) : undefined,
      log: (message) => app.log.info(message),
    });
    const ruleSets = knowledge.ruleSets;
    app.log.info(
      {
        documents: knowledge.documents.length,
        clauses: knowledge.clauses.length,
        index: knowledge.origin,
        ms: Math.round(performance.now() - started),
      },
      'knowledge base ready',
    );
    app.decorate('knowledge', knowledge);
    app.decorate('ruleSets', ruleSets);
  },
  { name: 'knowledge', dependencies: ['config'] },
);
