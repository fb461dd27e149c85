import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, SearchQuery, SearchResponse } from '../../schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/search',
    {
      schema: {
        tags: ['条款'],
        summary: '条款检索（热线查原文）',
        querystring: SearchQuery,
        response: { 200: SearchResponse, 400: ErrorBody },
      },
    },
    async (request) => {
      const { q, k, docId } = request.query;
      const hits = await app.knowledge.retriever.search(q, { k, ...(docId ? { docIds: [docId] } : {}) });
      return {
        query: q,
        hits: hits.map((h) => ({
          docId: h.clause.docId,
          clauseId: h.clause.id,
          label: h.clause.label,
          heading: h.clause.heading,
          path: h.clause.path,
          text: h.clause.text,
          score: Number(h.score.toFixed(6)),
          title: app.knowledge.getDocument(h.clause.docId)?.title ?? h.clause.docId,
        })),
      };
    },
  );
};

export default routes;
