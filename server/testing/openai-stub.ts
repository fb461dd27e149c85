import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub does for one chat completion request. */
export type StubBehaviour =
  | { kind: 'text'; content: string }
  | { kind: 'tool-call'; arguments: string; then: string }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'malformed' }
  | { kind: 'hang' };

export interface OpenAiStub {
  baseURL: string;
  /** Requests received, with their parsed bodies. */
  requests: { path: string; body: any }[];
  /** Sets what every following request gets (until changed). */
  respondWith(behaviour: StubBehaviour): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    request.on('data', (chunk) => (data += chunk));
    request.on('end', () => resolve(data));
  });
}

function completion(message: Record<string, unknown>, finish: string) {
  return JSON.stringify({
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'stub-model',
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

/**
 * An OpenAI-compatible chat completions server on loopback that returns scripted replies, so the model
 * path is tested for real (the `openai` client, HTTP, tool calls) without a hosted model.
 */
export async function startOpenAiStub(): Promise<OpenAiStub> {
  let behaviour: StubBehaviour = { kind: 'text', content: '好的。' };
  const requests: OpenAiStub['requests'] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer(async (request, response) => {
    const raw = await readBody(request);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    requests.push({ path: request.url ?? '', body });
    const current = behaviour;
    response.setHeader('content-type', 'application/json');
    switch (current.kind) {
      case 'text':
        response.end(completion({ role: 'assistant', content: current.content }, 'stop'));
        return;
      case 'tool-call': {
        const answeredTool = Array.isArray(body?.messages) && body.messages.some((m: { role: string }) => m.role === 'tool');
        if (answeredTool) response.end(completion({ role: 'assistant', content: current.then }, 'stop'));
        else
          response.end(
            completion(
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calculate_award', arguments: current.arguments } }],
              },
              'tool_calls',
            ),
          );
        return;
      }
      case 'status':
        response.statusCode = current.status;
        response.end(current.body ?? JSON.stringify({ error: { message: 'stub failure', type: 'server_error' } }));
        return;
      case 'malformed':
        response.end('{"id": "x", "choices": [ this is not json');
        return;
      case 'hang':
        hanging.add(response);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
