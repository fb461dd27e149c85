import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AdvisorError } from '../../errors.js';
import { Answer, ChatCompletionRequest, ErrorBody, MAX_QUESTION_LENGTH } from '../../schemas.js';
import { publicAnswer } from '../ask/index.js';

const MODEL_ID = 'zz-srdi-advisor';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text ?? '') : '')).join('');
  return '';
}

const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string() }),
      finish_reason: z.literal('stop'),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
  advisor: Answer.describe('本服务的完整答复（引用条款、计算结果）'),
});

/**
 * OpenAI-compatible chat completions, so chat front ends and bot frameworks can use the advisor as their
 * "model": the last user message is the question, the earlier user messages are the conversation.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['兼容接口'],
        summary: 'OpenAI 兼容的对话接口（支持 stream: true）',
        body: ChatCompletionRequest,
        response: { 200: ChatCompletion, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { messages, stream } = request.body;
      const lastUserAt = messages.map((m) => m.role).lastIndexOf('user');
      if (lastUserAt < 0) throw new AdvisorError('invalid_request', 'messages 中没有 role 为 user 的消息');
      const question = textOf(messages[lastUserAt]!.content);
      if (question.trim() === '') throw new AdvisorError('invalid_request', '最后一条用户消息的内容为空');
      if (question.length > MAX_QUESTION_LENGTH) throw new AdvisorError('invalid_request', `问题不能超过 ${MAX_QUESTION_LENGTH} 个字符`);
      const history: { question: string; pending?: string }[] = [];
      let pending: string | undefined;
      for (const message of messages.slice(0, lastUserAt)) {
        if (message.role === 'assistant') pending = app.advisor.factAskedBy(textOf(message.content));
        if (message.role === 'user') {
          history.push({ question: textOf(message.content).slice(0, MAX_QUESTION_LENGTH), pending });
          pending = undefined;
        }
      }
      const previous = messages
        .slice(0, lastUserAt)
        .reverse()
        .find((m) => m.role === 'assistant');
      const lastPending = previous ? app.advisor.factAskedBy(textOf(previous.content)) : undefined;
      const answer = publicAnswer(await app.answerAndLog({ question, history, pending: lastPending, channel: 'chat-completions' }));
      // A chat front end has no place for details: the short answer first, then the details under it.
      const content = answer.details ? `${answer.answer}\n\n详情：\n${answer.details}` : answer.answer;
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const completionTokens = content.length;
      const promptTokens = messages.reduce((n, m) => n + textOf(m.content).length, 0);

      if (!stream) {
        return {
          id,
          object: 'chat.completion' as const,
          created,
          model: MODEL_ID,
          choices: [{ index: 0, message: { role: 'assistant' as const, content }, finish_reason: 'stop' as const }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
          advisor: answer,
        };
      }
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: MODEL_ID, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      reply.raw.write(chunk({ role: 'assistant', content: '' }, null));
      for (const piece of content.match(/[^。！？\n]*[。！？\n]|[^。！？\n]+$/g) ?? [content]) {
        reply.raw.write(chunk({ content: piece }, null));
      }
      reply.raw.write(chunk({}, 'stop'));
      reply.raw.write('data: [DONE]\n\n');
      reply.raw.end();
    },
  );
};

export default routes;
