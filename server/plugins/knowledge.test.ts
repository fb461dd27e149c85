import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeAdmin } from '../../knowledge/admin/base-admin.js';
import { copyBase, type TempBase } from '../../knowledge/admin/testing/temp-base.js';
import { loadConfig } from '../config.js';
import configPlugin from './config.js';
import knowledgePlugin from './knowledge.js';

const NOTICE = readFileSync(fileURLToPath(new URL('../../knowledge/admin/fixtures/fictitious-notice.txt', import.meta.url)));
const NEW_DOC = 'xinghe-voucher-2025';

/**
 * The knowledge plugin alone, with two probe routes that read the knowledge, wait until the test lets them
 * go on, and read it again: what a long request (a model-phrased answer) does while the base is swapped.
 */
describe('knowledge swapped while the service runs', () => {
  let temp: TempBase;
  let app: FastifyInstance;
  let url: string;
  let admin: KnowledgeAdmin;
  const gates = new Map<string, { reached: () => void; release: Promise<void> }>();

  const hold = (name: string) => {
    let reached!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    gates.set(name, { reached, release: new Promise<void>((resolve) => (release = resolve)) });
    return { arrived, release };
  };

  beforeAll(async () => {
    temp = copyBase('zhengzhou');
    const config = loadConfig({
      KNOWLEDGE_BASE: temp.dir,
      KNOWLEDGE_DIST_DIR: temp.distDir,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'advisor-data-')),
    });
    app = Fastify({ logger: false });
    await app.register(configPlugin, { config });
    await app.register(knowledgePlugin);
    const probeOf = app.liveKnowledge.derive('probe', (knowledge) => ({ documents: knowledge.documents.length }));
    const read = () => ({
      documents: app.knowledge.documents.map((d) => d.meta.id),
      hasNew: app.knowledge.getDocument(NEW_DOC) !== undefined,
      derived: probeOf().documents,
      generation: app.liveKnowledge.snapshot().generation,
    });
    const probe = async (name: string) => {
      const before = read();
      const gate = gates.get(name);
      if (gate) {
        gate.reached();
        await gate.release;
      }
      return { before, after: read() };
    };
    app.get('/probe/:name', async (request) => probe((request.params as { name: string }).name));
    // A body is read in the socket's own async context: the handler must still see the request's snapshot.
    app.post('/probe', async (request) => probe((request.body as { name: string }).name));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    admin = new KnowledgeAdmin(app.liveKnowledge.current.knowledge.base, async () => {
      const next = await app.liveKnowledge.prepare();
      return { knowledge: next.knowledge, commit: () => app.liveKnowledge.swap(next) };
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    temp?.remove();
  });

  it('a request started before the swap finishes on the old knowledge; one started after sees the new document', async () => {
    const getHeld = hold('get-before');
    const postHeld = hold('post-before');
    const getBefore = fetch(`${url}/probe/get-before`).then((r) => r.json());
    const postBefore = fetch(`${url}/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'post-before' }),
    }).then((r) => r.json());
    await Promise.all([getHeld.arrived, postHeld.arrived]);

    const draft = await admin.stageDocument({ fileName: 'notice.txt', bytes: NOTICE, metadata: { docId: NEW_DOC }, who: 'tester' });
    await admin.publishDraft(draft.draftId, 'tester', app.liveKnowledge.current.knowledge);
    expect(app.liveKnowledge.current.generation).toBe(2);

    // After the swap: the new document, through the knowledge and through what derives from it.
    const after = (await (await fetch(`${url}/probe/after`)).json()) as {
      before: { hasNew: boolean; derived: number; generation: number };
    };
    expect(after.before).toMatchObject({ hasNew: true, derived: 4, generation: 2 });
    const posted = (await (
      await fetch(`${url}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) })
    ).json()) as { before: { hasNew: boolean } };
    expect(posted.before.hasNew).toBe(true);

    // The requests in flight go on, still on the knowledge they started with, from their first read to their last.
    getHeld.release();
    postHeld.release();
    const old = {
      hasNew: false,
      derived: 3,
      generation: 1,
      documents: ['zhengzhou-srdi-2024', 'sme-promotion-law-2017', 'henan-sme-measures-2008'],
    };
    expect(await getBefore).toEqual({ before: old, after: old });
    expect(await postBefore).toEqual({ before: old, after: old });
  });

  it('outside any request the live knowledge is the current one', () => {
    expect(app.knowledge).toBe(app.liveKnowledge.current.knowledge);
    expect(app.ruleSets).toBe(app.liveKnowledge.current.ruleSets);
  });
});
