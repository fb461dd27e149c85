import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { buildConsoleScript, CONSOLE_DIR, CONSOLE_PUBLIC_DIR } from '../../console/build.js';
import insightsRoutes from './insights.js';
import sessionRoutes from './session.js';

/**
 * The hotline console at /console (page, script compiled at start-up, CSS) and its staff routes under
 * /v1/staff. Without CONSOLE_USERS or CONSOLE_TOKEN the page explains how to configure access instead.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const [script, page, setupPage] = await Promise.all([
    buildConsoleScript(),
    readFile(path.join(CONSOLE_DIR, 'index.html'), 'utf8'),
    readFile(path.join(CONSOLE_DIR, 'setup.html'), 'utf8'),
  ]);
  const { methods, configured } = app.consoleAuth;
  const signIn = [methods.password ? 'password' : '', methods.token ? 'token' : ''].filter(Boolean).join(' ');
  const html = configured ? page.replace('%SIGN_IN_METHODS%', signIn) : setupPage;
  // The base can be swapped while the service runs, so its name is filled in per request.
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const scriptTag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 16)}"`;

  const sendPage = async (_request: unknown, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html.replaceAll('%ASSISTANT_NAME%', escape(app.knowledge.assistantName)));
  app.get('/console', { schema: { hide: true } }, sendPage);
  app.get('/console/', { schema: { hide: true } }, sendPage);
  app.get('/console/app.js', { schema: { hide: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-cache').header('etag', scriptTag);
    if (request.headers['if-none-match'] === scriptTag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(script);
  });
  await app.register(fastifyStatic, {
    root: CONSOLE_PUBLIC_DIR,
    prefix: '/console/assets/',
    decorateReply: false,
    index: false,
    wildcard: true,
    maxAge: 3_600_000,
  });

  await app.register(sessionRoutes);
  await app.register(insightsRoutes);
  await app.register(import('./knowledge/index.js'));
};

export default routes;
