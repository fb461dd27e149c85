import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clause } from '../../../knowledge/types.js';
import { ClauseResponse, DocumentResponse, DocumentsResponse, ErrorBody } from '../../schemas.js';

function clauseBody(c: Clause) {
  return {
    docId: c.docId,
    clauseId: c.id,
    kind: c.kind,
    label: c.label,
    aliases: c.aliases,
    path: c.path,
    heading: c.heading,
    text: c.text,
    responsibleUnits: c.responsibleUnits,
    amountsYuan: c.amountsYuan,
  };
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/policies',
    { schema: { tags: ['条款'], summary: '知识库中的政策文件', response: { 200: DocumentsResponse } } },
    async () => ({
      documents: app.knowledge.documents.map((d) => ({
        docId: d.meta.id,
        title: d.meta.title,
        shortTitle: d.meta.shortTitle,
        issuer: d.meta.issuer,
        issueDate: d.meta.issueDate,
        jurisdiction: d.meta.jurisdiction,
        validity: d.meta.validity,
        applicationWindow: d.meta.applicationWindow,
        clauses: d.clauses.length,
      })),
      base: {
        assistantName: app.knowledge.assistantName,
        examples: app.knowledge.examples.questions,
        searchTerms: app.knowledge.examples.searchTerms,
        ...(app.config.clauseLinkTemplate ? { clauseLinkTemplate: app.config.clauseLinkTemplate } : {}),
      },
    }),
  );

  app.get(
    '/v1/policies/:docId',
    {
      schema: {
        tags: ['条款'],
        summary: '一份政策文件的全部条款（按章节顺序）',
        params: z.object({ docId: z.string().max(64) }),
        response: { 200: DocumentResponse, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const document = app.knowledge.documents.find((d) => d.meta.id === request.params.docId);
      if (!document)
        return reply.code(404).send({
          error: { code: 'document_not_found', message: `没有编号为 ${request.params.docId} 的政策文件，可用 GET /v1/policies 查看全部` },
        });
      const m = document.meta;
      return {
        document: {
          docId: m.id,
          title: m.title,
          shortTitle: m.shortTitle,
          issuer: m.issuer,
          issueDate: m.issueDate,
          jurisdiction: m.jurisdiction,
          validity: m.validity,
          applicationWindow: m.applicationWindow,
          clauses: document.clauses.length,
        },
        clauses: document.clauses.map(clauseBody),
      };
    },
  );

  app.get(
    '/v1/policies/:docId/clauses/:clauseId',
    {
      schema: {
        tags: ['条款'],
        summary: '单个条款，含相邻条款',
        params: z.object({ docId: z.string().max(64), clauseId: z.string().max(64) }),
        response: {
          200: ClauseResponse,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { docId, clauseId } = request.params;
      const clause = app.knowledge.getClause(docId, clauseId);
      if (!clause) return reply.code(404).send({ error: { code: 'clause_not_found', message: `没有找到条款 ${docId}/${clauseId}` } });
      const meta = app.knowledge.getDocument(docId)!;
      return {
        clause: clauseBody(clause),
        neighbours: app.knowledge
          .neighbours(docId, clauseId, 1)
          .filter((c) => c.id !== clauseId)
          .map(clauseBody),
        document: { title: meta.title, validity: meta.validity },
      };
    },
  );
};

export default routes;
