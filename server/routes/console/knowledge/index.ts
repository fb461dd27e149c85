import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { KnowledgeAdmin, FORMAT_NAMES, MAX_UPLOAD_BYTES, type ChangeResult, type Rebuild } from '../../../../knowledge/admin/base-admin.js';
import { AdminError } from '../../../../knowledge/admin/errors.js';
import { ACTION_NAMES } from '../../../../knowledge/admin/history.js';
import { SOURCE_EXTENSIONS } from '../../../../knowledge/pipeline/extract.js';
import { DOCUMENT_FORMATS } from '../../../../knowledge/pipeline/format.js';
import { formatYuan } from '../../../../knowledge/text/money.js';
import { matchPolicies } from '../../../calculator/engine.js';
import { CalculateResponse } from '../../../schemas.js';
import {
  CalculatePreviewRequest,
  ChangeBody,
  DiscardedBody,
  DocumentParams,
  DocumentPreviewBody,
  DraftBody,
  DraftParams,
  KnowledgeErrorBody,
  KnowledgeStatusBody,
  MetadataInputBody,
  RuleSetParams,
  UploadRequest,
} from './schemas.js';

/** Room for a file of MAX_UPLOAD_BYTES as Base64 (4 characters per 3 bytes) and the JSON around it. */
const UPLOAD_BODY_LIMIT = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 64 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const tags = ['坐席控制台'];
const errors = {
  400: KnowledgeErrorBody,
  401: KnowledgeErrorBody,
  404: KnowledgeErrorBody,
  409: KnowledgeErrorBody,
  422: KnowledgeErrorBody,
};

/**
 * Staff-only: the knowledge base the service answers from, changed while it runs. Upload a policy file or
 * award rules as a draft, preview (clause tree, cleaning report, rules checked by line, a calculation on
 * sample facts), correct the metadata, publish, unpublish, roll back. Each change rebuilds the knowledge
 * in memory and swaps it in; requests already running finish on the knowledge they started with.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.consoleAuth.requireStaff);

  const rebuild: Rebuild = async () => {
    let next;
    try {
      next = await app.liveKnowledge.prepare();
    } catch (error) {
      // What derives from the knowledge (the advisor's understanding of the rule sets) refused it.
      if (error instanceof Error && error.name === 'BaseTermsError')
        throw new AdminError('build_failed', `修改后知识库无法使用，已撤销本次修改：${error.message}`, 422);
      throw error;
    }
    return { knowledge: next.knowledge, commit: () => app.liveKnowledge.swap(next) };
  };
  const admin = new KnowledgeAdmin(app.liveKnowledge.current.knowledge.base, rebuild);

  // Errors of this screen carry their problems by line; anything else goes to the service's handler.
  app.setErrorHandler((error: FastifyError | AdminError, _request, reply) => {
    if (error instanceof AdminError) {
      return reply
        .code(error.status)
        .send({ error: { code: error.code, message: error.message, ...(error.issues.length ? { issues: error.issues } : {}) } });
    }
    if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send({ error: { code: 'payload_too_large', message: `文件过大：上传上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` } });
    }
    throw error;
  });

  const status = () => {
    const snapshot = app.liveKnowledge.current;
    const served = new Map(snapshot.knowledge.documents.map((d) => [d.meta.id, d.clauses.length]));
    const base = admin.status();
    return {
      ...base,
      live: {
        generation: snapshot.generation,
        since: snapshot.since,
        documents: snapshot.knowledge.documents.length,
        clauses: snapshot.knowledge.clauses.length,
      },
      documents: base.documents.map((d) => (served.has(d.docId) ? { ...d, clauses: served.get(d.docId)! } : d)),
      formats: DOCUMENT_FORMATS.map((value) => ({ value, name: FORMAT_NAMES[value] })),
      accepts: { documents: Object.keys(SOURCE_EXTENSIONS), rules: ['.yaml', '.yml'], maxBytes: MAX_UPLOAD_BYTES },
    };
  };
  const changed = (result: ChangeResult) => ({
    version: { ...result.version, actionName: ACTION_NAMES[result.version.action] },
    status: status(),
  });
  const who = (request: { staff: { user: string } | null }) => request.staff?.user ?? '坐席';

  app.get(
    '/v1/staff/knowledge',
    {
      schema: { tags, summary: '知识库：文件、奖补规则、草稿与修改记录', response: { 200: KnowledgeStatusBody, 401: KnowledgeErrorBody } },
    },
    async () => status(),
  );

  app.post(
    '/v1/staff/knowledge/uploads',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: '上传政策文件（.txt .md .html .docx .pdf）或奖补规则（.yaml），生成待发布的草稿与预览',
        body: UploadRequest,
        response: { 201: DraftBody, ...errors, 413: KnowledgeErrorBody, 415: KnowledgeErrorBody },
      },
    },
    async (request, reply) => {
      const { fileName, contentBase64, metadata } = request.body;
      const compact = contentBase64.replace(/\s+/g, '');
      if (!BASE64.test(compact)) throw new AdminError('invalid_request', '文件内容不是有效的 Base64 编码', 400);
      const bytes = Buffer.from(compact, 'base64');
      const draft = /\.ya?ml$/i.test(fileName)
        ? admin.stageRules({ fileName, bytes, who: who(request) }, app.knowledge)
        : await admin.stageDocument({ fileName, bytes, ...(metadata ? { metadata } : {}), who: who(request) });
      request.log.info(
        { user: who(request), draftId: draft.draftId, fileName: draft.fileName, kind: draft.kind },
        'knowledge draft uploaded',
      );
      return reply.code(201).send(draft);
    },
  );

  app.get(
    '/v1/staff/knowledge/drafts/:draftId',
    { schema: { tags, summary: '草稿预览', params: DraftParams, response: { 200: DraftBody, ...errors } } },
    async (request) => admin.draft(request.params.draftId, app.knowledge),
  );

  app.post(
    '/v1/staff/knowledge/drafts/:draftId/metadata',
    {
      schema: {
        tags,
        summary: '更正草稿的文件信息（标题、发布机关、日期、有效期、适用地区、格式、编号）',
        params: DraftParams,
        body: MetadataInputBody,
        response: { 200: DraftBody, ...errors },
      },
    },
    async (request) => admin.updateDraft(request.params.draftId, request.body),
  );

  app.post(
    '/v1/staff/knowledge/drafts/:draftId/calculate',
    {
      schema: {
        tags,
        summary: '奖补规则草稿：按示例企业情况试算（发布前）',
        params: DraftParams,
        body: CalculatePreviewRequest,
        response: { 200: CalculateResponse, ...errors },
      },
    },
    async (request) => {
      const ruleSet = admin.draftRuleSet(request.params.draftId, app.knowledge);
      const asOf = request.body.asOf ?? app.clock.today();
      const report = matchPolicies([ruleSet], request.body.facts, { asOf, defaults: true });
      const results = report.reports.flatMap((r) => r.results);
      const eligible = results.filter((r) => r.eligible);
      return {
        asOf,
        expired: report.expired,
        totalYuan: report.totalYuan,
        results: results.map((r) => ({
          ruleId: r.ruleId,
          title: r.title,
          policyId: r.policyId,
          eligible: r.eligible,
          status: r.status,
          amountYuan: r.amountYuan,
          maxYuan: r.maxYuan,
          formula: r.formula,
          citation: r.citation,
          conditions: r.conditions.map(({ factId, description, met, detail }) => ({ factId, description, met, detail })),
          assumptions: r.assumptions,
          reasons: r.reasons,
          missingFacts: r.missingFacts,
          ...(r.supersededBy ? { supersededBy: r.supersededBy } : {}),
        })),
        followUp: report.followUpQuestions.map(({ factId, question, label }) => ({ factId, question, label })),
        invalidFacts: report.invalidFacts.map(({ factId, problem }) => ({ factId, problem })),
        notes: report.reports.flatMap((r) => r.notes),
        summary: report.expired
          ? `规则已过有效期（${asOf}），不测算金额。`
          : eligible.length > 0
            ? `试算：${eligible.map((r) => `${r.title}（最高${formatYuan(r.amountYuan)}）`).join('，')}，合计最高${formatYuan(report.totalYuan)}。`
            : report.followUpQuestions.length > 0
              ? `还需要：${report.followUpQuestions.map((q) => q.label).join('、')}。`
              : '按所填情况，不符合任何一条规则的条件。',
      };
    },
  );

  app.post(
    '/v1/staff/knowledge/drafts/:draftId/publish',
    {
      schema: {
        tags,
        summary: '发布草稿（立即生效，无需重启）',
        params: DraftParams,
        response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody },
      },
    },
    async (request) => changed(await admin.publishDraft(request.params.draftId, who(request), app.liveKnowledge.current.knowledge)),
  );

  app.delete(
    '/v1/staff/knowledge/drafts/:draftId',
    { schema: { tags, summary: '删除草稿', params: DraftParams, response: { 200: DiscardedBody, ...errors } } },
    async (request) => {
      admin.discardDraft(request.params.draftId);
      return { discarded: true as const };
    },
  );

  app.get(
    '/v1/staff/knowledge/documents/:docId',
    { schema: { tags, summary: '文件预览：条款树与清洗报告', params: DocumentParams, response: { 200: DocumentPreviewBody, ...errors } } },
    async (request) => admin.documentPreview(request.params.docId),
  );

  app.post(
    '/v1/staff/knowledge/documents/:docId/metadata',
    {
      schema: {
        tags,
        summary: '更正文件信息（已发布的立即生效）',
        params: DocumentParams,
        body: MetadataInputBody,
        response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody },
      },
    },
    async (request) => changed(await admin.updateDocument(request.params.docId, request.body, who(request))),
  );

  app.post(
    '/v1/staff/knowledge/documents/:docId/unpublish',
    {
      schema: {
        tags,
        summary: '下架文件（及其奖补规则）',
        params: DocumentParams,
        response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody },
      },
    },
    async (request) => changed(await admin.unpublishDocument(request.params.docId, who(request))),
  );

  app.post(
    '/v1/staff/knowledge/documents/:docId/publish',
    {
      schema: {
        tags,
        summary: '重新发布已下架的文件',
        params: DocumentParams,
        response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody },
      },
    },
    async (request) => changed(await admin.republishDocument(request.params.docId, who(request))),
  );

  app.post(
    '/v1/staff/knowledge/rules/:ruleSetId/unpublish',
    { schema: { tags, summary: '下架奖补规则', params: RuleSetParams, response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody } } },
    async (request) => changed(await admin.unpublishRules(request.params.ruleSetId, who(request))),
  );

  app.post(
    '/v1/staff/knowledge/rules/:ruleSetId/publish',
    {
      schema: {
        tags,
        summary: '重新发布已下架的奖补规则',
        params: RuleSetParams,
        response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody },
      },
    },
    async (request) => changed(await admin.republishRules(request.params.ruleSetId, who(request), app.liveKnowledge.current.knowledge)),
  );

  app.post(
    '/v1/staff/knowledge/rollback',
    { schema: { tags, summary: '回滚上一次修改（立即生效）', response: { 200: ChangeBody, ...errors, 423: KnowledgeErrorBody } } },
    async (request) => changed(await admin.rollback(who(request))),
  );
};

export default routes;
