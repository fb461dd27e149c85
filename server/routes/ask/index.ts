import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Answer, AskRequest, ErrorBody, type AnswerBody } from '../../schemas.js';
import type { AdvisorAnswer } from '../../answering/advisor.js';

/** Strips what the service keeps for itself (logging meta) from an answer. */
export function publicAnswer(answer: AdvisorAnswer): AnswerBody {
  const { meta: _meta, ...body } = answer;
  return body;
}

/** Splits an answer into chunks at sentence ends, for streaming. */
function sentences(text: string): string[] {
  return text.match(/[^。！？\n]*[。！？\n]|[^。！？\n]+$/g) ?? [text];
}

/**
 * The hottest route skips re-validating its own response with zod on the way out (a measurable share of
 * each request, BENCHMARKS.md §2): `publicAnswer` builds exactly the contract, the schema still documents it
 * in /docs, and the contract tests parse every response with it.
 */
export const plainJsonSerializer = () => (data: unknown) => JSON.stringify(data);

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/ask',
    {
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['问答'],
        summary: '提问：返回答复、引用条款和计算结果',
        body: AskRequest,
        response: { 200: Answer, 400: ErrorBody },
      },
    },
    async (request) => {
      const { question, sessionId, channel, asOf } = request.body;
      return publicAnswer(await app.answerAndLog({ question, sessionId, asOf, channel: channel ?? 'api' }));
    },
  );

  app.post(
    '/v1/ask/stream',
    {
      schema: {
        tags: ['问答'],
        summary: '提问（服务器推送事件）：answer-delta 逐句推送，answer-end 携带完整答复 JSON',
        body: AskRequest,
        response: { 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { question, sessionId, channel, asOf } = request.body;
      const answer = publicAnswer(await app.answerAndLog({ question, sessionId, asOf, channel: channel ?? 'api' }));
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      for (const delta of sentences(answer.answer)) {
        reply.raw.write(`event: answer-delta\ndata: ${JSON.stringify({ delta })}\n\n`);
      }
      reply.raw.write(`event: answer-end\ndata: ${JSON.stringify(answer)}\n\n`);
      reply.raw.end();
    },
  );
};

export default routes;
