import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBase, type TempBase } from '../../../../knowledge/admin/testing/temp-base.js';
import { makeDocx } from '../../../../knowledge/admin/testing/make-docx.js';
import { buildTestApp } from '../../../testing/build-test-app.js';
import { generateKnowledgeApiTypes, KNOWLEDGE_TYPES_FILE } from './api-types.js';

const fixtures = fileURLToPath(new URL('../../../../knowledge/admin/fixtures/', import.meta.url));
const fixture = (name: string) => readFileSync(path.join(fixtures, name));
const TOKEN = 'knowledge-screen-test-token';
const NEW_DOC = 'xinghe-voucher-2025';
const QUESTION = '萤火虫创新券每家企业最高能领多少？';

let temp: TempBase;
let app: FastifyInstance;
let cookie: string;

type Json = Record<string, any>;

async function staff(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: Json }> {
  const response = await app.inject({ method, url, headers: { cookie }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

const upload = (fileName: string, bytes: Buffer, metadata?: Json) =>
  staff('POST', '/v1/staff/knowledge/uploads', { fileName, contentBase64: bytes.toString('base64'), ...(metadata ? { metadata } : {}) });

async function ask(question: string): Promise<Json> {
  return (await app.inject({ method: 'POST', url: '/v1/ask', payload: { question } })).json();
}

const cites = (answer: Json, docId: string) => (answer.citations as { docId: string }[]).some((c) => c.docId === docId);

beforeAll(async () => {
  temp = copyBase('zhengzhou');
  app = await buildTestApp({ env: { KNOWLEDGE_BASE: temp.dir, KNOWLEDGE_DIST_DIR: temp.distDir, CONSOLE_TOKEN: TOKEN } });
  const signIn = await app.inject({ method: 'POST', url: '/v1/staff/session', payload: { token: TOKEN } });
  cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
}, 120_000);

afterAll(async () => {
  await app?.close();
  temp?.remove();
});

describe('知识库 routes', () => {
  it('are staff-only', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/staff/knowledge' })).statusCode).toBe(401);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/staff/knowledge/uploads',
      payload: { fileName: 'a.txt', contentBase64: 'YQ==' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/v1/staff/knowledge/rollback' })).statusCode).toBe(401);
  });

  it('upload a PDF → preview → correct → publish: /v1/ask answers from it at once, without a restart', async () => {
    expect(cites(await ask(QUESTION), NEW_DOC)).toBe(false);

    const uploaded = await upload('萤火虫创新券.pdf', fixture('fictitious-notice.pdf'));
    expect(uploaded.status).toBe(201);
    const draft = uploaded.body;
    expect(draft).toMatchObject({
      kind: 'document',
      createdBy: '共享令牌',
      source: { kind: 'pdf', kindName: 'PDF 文档' },
      format: { used: 'law-text', guess: { confidence: 0.5 } },
      metadata: { title: '星河区萤火虫创新券试行办法（虚构测试文件）', issuer: '星河区虚构科技创新局', validTo: '2027-12-31' },
      missing: [],
      problems: [],
    });
    expect(draft.clauses.map((c: Json) => c.label)).toEqual(['题注', '第1条', '第2条']);
    expect(draft.inferred.find((i: Json) => i.field === 'issuer')).toMatchObject({ how: '取自落款' });
    // Not published yet: still not answered from it.
    expect(cites(await ask(QUESTION), NEW_DOC)).toBe(false);

    const bad = await staff('POST', `/v1/staff/knowledge/drafts/${draft.draftId}/metadata`, { validTo: '2027-13-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('有效期至“2027-13-01”不是有效日期');
    const corrected = await staff('POST', `/v1/staff/knowledge/drafts/${draft.draftId}/metadata`, {
      docId: NEW_DOC,
      shortTitle: '萤火虫创新券办法',
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.metadata).toMatchObject({ docId: NEW_DOC, shortTitle: '萤火虫创新券办法' });
    expect((await staff('GET', `/v1/staff/knowledge/drafts/${draft.draftId}`)).body.metadata.docId).toBe(NEW_DOC);

    const published = await staff('POST', `/v1/staff/knowledge/drafts/${draft.draftId}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.version).toMatchObject({ version: 1, who: '共享令牌', action: 'add-document', actionName: '新增文件' });
    const row = published.body.status.documents.find((d: Json) => d.docId === NEW_DOC);
    expect(row).toMatchObject({ status: 'published', clauses: 3, original: '萤火虫创新券.pdf', file: '萤火虫创新券.txt' });
    expect(published.body.status.live.generation).toBe(2);

    const answer = await ask(QUESTION);
    expect(cites(answer, NEW_DOC)).toBe(true);
    expect(answer.answer).toContain('每家企业每年最高不超过3万元');
    const policies = (await app.inject({ method: 'GET', url: '/v1/policies' })).json();
    expect(policies.documents.map((d: Json) => d.docId)).toContain(NEW_DOC);
    const search = (await app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent('萤火虫创新券')}` })).json();
    expect(search.hits[0].docId).toBe(NEW_DOC);
    expect(search.hits.map((h: Json) => `${h.docId}#${h.clauseId}`)).toContain(`${NEW_DOC}#art-2`);
    const preview = await staff('GET', `/v1/staff/knowledge/documents/${NEW_DOC}`);
    expect(preview.body.clauses).toHaveLength(3);
  });

  it('award rules: errors by line (422), constants checked, a calculation on sample facts, then published to /v1/calculate', async () => {
    const rules = fixture('fictitious-rules.yaml').toString('utf8');
    const syntax = await upload('rules.yaml', Buffer.from(rules.replace('  from: 2025-03-01', ' from: [2025-03-01')));
    expect(syntax.status).toBe(422);
    expect(syntax.body.error.issues[0]).toMatchObject({ line: expect.any(Number), message: expect.stringContaining('YAML 语法错误') });
    expect(syntax.body.error.message).toMatch(/第 \d+ 行/);

    const typo = rules.replace('percent: 50', 'percent: 5');
    const constants = await upload('rules.yaml', Buffer.from(typo));
    expect(constants.status).toBe(422);
    expect(constants.body.error.issues).toEqual([
      {
        line: typo.split('\n').findIndex((l) => l.includes('percent: 5')) + 1,
        path: 'rules[0].amount.percent',
        message: '比例 5 不在所引条款 xinghe-voucher-2025#art-2 的原文中（规则 firefly-voucher）',
      },
    ]);

    const staged = await upload('rules.yaml', Buffer.from(rules));
    expect(staged.status).toBe(201);
    expect(staged.body).toMatchObject({
      kind: 'rules',
      replaces: false,
      problems: [],
      ruleSet: { id: NEW_DOC, rules: [{ id: 'firefly-voucher' }] },
    });
    const draftId = staged.body.draftId;
    const tried = await staff('POST', `/v1/staff/knowledge/drafts/${draftId}/calculate`, {
      facts: { registeredSmallMicro: true, testingServiceSpendingYuan: '4万元' },
    });
    expect(tried.status).toBe(200);
    expect(tried.body.results[0]).toMatchObject({ eligible: true, amountYuan: 20000 });
    expect(tried.body.summary).toContain('萤火虫创新券（最高2万元）');
    const badDate = await staff('POST', `/v1/staff/knowledge/drafts/${draftId}/calculate`, { facts: {}, asOf: '明天' });
    expect(badDate.status).toBe(400);
    // Before publishing, the public calculator knows nothing of it.
    const inputsBefore = (await app.inject({ method: 'GET', url: '/v1/calculator/inputs' })).json();
    expect(inputsBefore.inputs.map((i: Json) => i.id)).not.toContain('testingServiceSpendingYuan');

    const published = await staff('POST', `/v1/staff/knowledge/drafts/${draftId}/publish`);
    expect(published.body.version).toMatchObject({ version: 2, action: 'publish-rules', changes: [`+ rules/${NEW_DOC}.yaml`] });
    const calculated = (
      await app.inject({
        method: 'POST',
        url: '/v1/calculate',
        payload: { policyId: NEW_DOC, facts: { registeredSmallMicro: true, testingServiceSpendingYuan: '10万元' } },
      })
    ).json();
    expect(calculated.results[0]).toMatchObject({ ruleId: 'firefly-voucher', amountYuan: 30000 });
    expect((await staff('GET', `/v1/staff/knowledge/drafts/${draftId}`)).status).toBe(404);
  });

  it('unpublish takes a document and its rules out of the answers at once; publish brings them back', async () => {
    const off = await staff('POST', `/v1/staff/knowledge/documents/${NEW_DOC}/unpublish`);
    expect(off.status).toBe(200);
    expect(off.body.status.documents.find((d: Json) => d.docId === NEW_DOC)).toMatchObject({ status: 'unpublished', ruleSets: [NEW_DOC] });
    expect(cites(await ask(QUESTION), NEW_DOC)).toBe(false);
    const calculate = await app.inject({ method: 'POST', url: '/v1/calculate', payload: { policyId: NEW_DOC, facts: {} } });
    expect(calculate.json().results).toEqual([]);

    const on = await staff('POST', `/v1/staff/knowledge/documents/${NEW_DOC}/publish`);
    expect(on.status).toBe(200);
    expect(cites(await ask(QUESTION), NEW_DOC)).toBe(true);
    const primary = await staff('POST', '/v1/staff/knowledge/documents/zhengzhou-srdi-2024/unpublish');
    expect(primary.status).toBe(409);
    expect(primary.body.error.message).toContain('主文件');
  });

  it('rollback undoes the last change, recorded with who and when; the history lists every version', async () => {
    const status = (await staff('GET', '/v1/staff/knowledge')).body;
    expect(status.history.map((v: Json) => v.action)).toEqual([
      'publish-document',
      'unpublish-document',
      'publish-rules',
      'add-document',
      'baseline',
    ]);
    expect(status.rollback).toEqual({ toVersion: 3, undoes: expect.stringContaining('重新发布') });
    const first = await staff('POST', '/v1/staff/knowledge/rollback');
    expect(first.body.version).toMatchObject({ version: 5, action: 'rollback', who: '共享令牌' });
    expect(cites(await ask(QUESTION), NEW_DOC)).toBe(false);
    for (let i = 0; i < 3; i++) expect((await staff('POST', '/v1/staff/knowledge/rollback')).status).toBe(200);
    // Back to the base as it was before anything was added.
    expect(existsSync(path.join(temp.dir, 'sources/萤火虫创新券.pdf'))).toBe(false);
    expect(readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8')).not.toContain(NEW_DOC);
    const none = await staff('POST', '/v1/staff/knowledge/rollback');
    expect([none.status, none.body.error.message]).toEqual([409, '没有可以回滚的更早版本']);
  });

  it('answers bad input with a 4xx in Chinese, never a 500', async () => {
    const exe = await upload('setup.exe', Buffer.from('MZ'));
    expect([exe.status, exe.body.error.message]).toEqual([415, expect.stringContaining('不支持的文件类型 .exe')]);
    const docx = await upload('broken.docx', Buffer.from('PK not really'));
    expect([docx.status, docx.body.error.message]).toEqual([422, expect.stringContaining('无法读取 Word 文件')]);
    const pdf = await upload('broken.pdf', Buffer.from('%PDF-1.4 nothing'));
    expect(pdf.status).toBe(422);
    const base64 = await staff('POST', '/v1/staff/knowledge/uploads', { fileName: 'a.txt', contentBase64: '这不是Base64' });
    expect([base64.status, base64.body.error.message]).toEqual([400, '文件内容不是有效的 Base64 编码']);
    const yml = await upload('rules.yml', Buffer.from('version: 1\nid: x\n'));
    expect(yml.status).toBe(422);
    expect(yml.body.error.issues.length).toBeGreaterThan(0);
    const tooBig = await upload('big.txt', Buffer.alloc(11 * 1024 * 1024, 0x61));
    expect([tooBig.status, tooBig.body.error.message]).toEqual([413, expect.stringContaining('上传上限 10 MB')]);
    expect((await staff('GET', '/v1/staff/knowledge/drafts/000000000000')).status).toBe(404);
    expect((await staff('GET', '/v1/staff/knowledge/documents/no-such-doc')).status).toBe(404);
    expect((await staff('POST', '/v1/staff/knowledge/documents/no-such-doc/metadata', { title: 'x' })).status).toBe(404);
    expect((await staff('POST', '/v1/staff/knowledge/rules/no-such-rules/unpublish')).status).toBe(404);
    const unknownField = await staff('POST', '/v1/staff/knowledge/uploads', { fileName: 'a.txt', contentBase64: 'YQ==', extra: 1 });
    expect(unknownField.status).toBe(400);
  });

  it('takes a Word document the same way as its text', async () => {
    const lines = fixture('fictitious-notice.txt').toString('utf8').trim().split('\n');
    const word = await upload('notice.docx', await makeDocx(lines));
    expect(word.status).toBe(201);
    expect(word.body.source.kind).toBe('docx');
    expect(word.body.clauses.map((c: Json) => c.excerpt)).toEqual(
      (await upload('notice.txt', fixture('fictitious-notice.txt'))).body.clauses.map((c: Json) => c.excerpt),
    );
    expect((await staff('DELETE', `/v1/staff/knowledge/drafts/${word.body.draftId}`)).body).toEqual({ discarded: true });
  });
});

describe('the 知识库 screen’s generated types', () => {
  it(`${KNOWLEDGE_TYPES_FILE} matches the route schemas (run \`npm run knowledge:api-types\` after changing them)`, async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    expect(readFileSync(path.join(root, KNOWLEDGE_TYPES_FILE), 'utf8')).toBe(await generateKnowledgeApiTypes());
  });
});
