import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseFolder } from '../base-folder.js';
import { KnowledgeError } from '../errors.js';
import { openKnowledgeBase, type KnowledgeBase } from '../knowledge-base.js';
import { loadManifest } from '../pipeline/manifest.js';
import { KnowledgeAdmin, type Rebuild } from './base-admin.js';
import { AdminError } from './errors.js';
import { copyBase, type TempBase } from './testing/temp-base.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));
const NOTICE_ID = 'xinghe-voucher-2025';

let temp: TempBase;
let live: KnowledgeBase;
let commits: number;
let failNextBuild: boolean;
let admin: KnowledgeAdmin;

function open(): Promise<KnowledgeBase> {
  return openKnowledgeBase({ base: baseFolder(temp.dir), distDir: temp.distDir, rebuild: 'if-stale' });
}

beforeEach(async () => {
  temp = copyBase('zhengzhou');
  live = await open();
  commits = 0;
  failNextBuild = false;
  const rebuild: Rebuild = async () => {
    if (failNextBuild) {
      failNextBuild = false;
      throw new KnowledgeError('rules_invalid', 'award rules do not match their clauses: (simulated)');
    }
    const knowledge = await open();
    return {
      knowledge,
      commit: () => {
        commits++;
        live = knowledge;
      },
    };
  };
  admin = new KnowledgeAdmin(baseFolder(temp.dir), rebuild);
});
afterEach(() => temp.remove());

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<AdminError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(AdminError);
    return error as AdminError;
  }
  throw new Error('expected an AdminError');
}

async function publishNotice(who = 'agent01') {
  const draft = await admin.stageDocument({
    fileName: 'notice.pdf',
    bytes: fixture('fictitious-notice.pdf'),
    metadata: { docId: NOTICE_ID },
    who,
  });
  return admin.publishDraft(draft.draftId, who, live);
}

describe('documents', () => {
  it('stage a PDF as a draft, previewed with metadata read from its text; publishing copies it, lists it and serves it', async () => {
    const draft = await admin.stageDocument({ fileName: '萤火虫创新券.pdf', bytes: fixture('fictitious-notice.pdf'), who: 'agent01' });
    expect(draft.format.guess).toMatchObject({ format: 'law-text', confidence: 0.5 });
    expect(draft.metadata).toMatchObject({
      title: '星河区萤火虫创新券试行办法（虚构测试文件）',
      issuer: '星河区虚构科技创新局',
      issueDate: '2025-03-01',
      validFrom: '2025-03-01',
      validTo: '2027-12-31',
      jurisdiction: '星河区',
    });
    expect(draft.metadata.docId).toMatch(/^doc-2025-[0-9a-f]{6}$/);
    expect(draft.inferred.map((i) => i.field).sort()).toEqual(['issueDate', 'issuer', 'jurisdiction', 'title', 'validFrom', 'validTo']);
    expect(draft.clauses.map((c) => c.clauseId)).toEqual(['preamble', 'art-1', 'art-2']);
    expect(draft.clauses[2]!.amountsYuan).toEqual([30000]);
    expect(draft.missing).toEqual([]);
    expect(admin.status().drafts).toHaveLength(1);
    // Staged only: the base is untouched.
    expect(loadManifest(path.join(temp.dir, 'manifest.yaml')).documents).toHaveLength(3);

    const result = await admin.publishDraft(draft.draftId, 'agent01', live);
    expect(commits).toBe(1);
    expect(result.version).toMatchObject({ version: 1, basedOn: 0, who: 'agent01', action: 'add-document' });
    expect(result.version.changes).toEqual(['~ manifest.yaml', '+ sources/萤火虫创新券.pdf', '+ sources/萤火虫创新券.txt']);
    expect(readFileSync(path.join(temp.dir, 'sources/萤火虫创新券.pdf'))).toEqual(fixture('fictitious-notice.pdf'));
    const entry = loadManifest(path.join(temp.dir, 'manifest.yaml')).documents.at(-1)!;
    expect(entry).toMatchObject({
      file: '萤火虫创新券.txt',
      original: '萤火虫创新券.pdf',
      format: 'law-text',
      validity: { from: '2025-03-01', to: '2027-12-31' },
    });
    expect(live.getClause(entry.id, 'art-2')?.text).toContain('每家企业每年最高不超过3万元');
    expect(admin.status().drafts).toHaveLength(0);
    expect(admin.status().history.map((v) => v.action)).toEqual(['add-document', 'baseline']);
  });

  it('take corrected metadata, refuse bad values in Chinese, and refuse to publish what is incomplete or already there', async () => {
    const draft = await admin.stageDocument({ fileName: 'plain.txt', bytes: Buffer.from('第一条 甲。\n第二条 乙。\n'), who: 'agent01' });
    expect(draft.missing).toEqual(['标题', '发布机关', '生效日期']);
    const incomplete = await rejection(admin.publishDraft(draft.draftId, 'agent01', live));
    expect([incomplete.status, incomplete.message]).toEqual([422, '发布前请补全：标题、发布机关、生效日期']);

    const bad = await rejection(() => admin.updateDraft(draft.draftId, { validFrom: '2025-02-30', docId: 'Bad Id' }));
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('生效日期“2025-02-30”不是有效日期');
    expect(bad.message).toContain('编号“Bad Id”无效');

    const fixed = admin.updateDraft(draft.draftId, { docId: NOTICE_ID, title: '虚构办法', issuer: '虚构局', validFrom: '2025-01-01' });
    expect(fixed.missing).toEqual([]);
    expect(fixed.inferred.some((i) => i.field === 'title')).toBe(false);
    await publishNotice();
    const taken = await rejection(admin.publishDraft(draft.draftId, 'agent01', live));
    expect([taken.status, taken.code]).toEqual([409, 'duplicate_id']);
  });

  it('unpublish to unpublished/ with their rules, publish again, and refuse the primary document', async () => {
    await publishNotice();
    const rules = admin.stageRules({ fileName: 'rules.yaml', bytes: fixture('fictitious-rules.yaml'), who: 'agent01' }, live);
    await admin.publishDraft(rules.draftId, 'agent01', live);
    expect(live.ruleSets.map((rs) => rs.id)).toContain(NOTICE_ID);

    const off = await admin.unpublishDocument(NOTICE_ID, 'agent02');
    expect(off.version.summary).toBe(`下架《星河区萤火虫创新券试行办法（虚构测试文件）》及其奖补规则 ${NOTICE_ID}`);
    expect(live.getDocument(NOTICE_ID)).toBeUndefined();
    expect(live.ruleSets.map((rs) => rs.id)).not.toContain(NOTICE_ID);
    expect(existsSync(path.join(temp.dir, `unpublished/rules/${NOTICE_ID}.yaml`))).toBe(true);
    const row = admin.status().documents.find((d) => d.docId === NOTICE_ID)!;
    expect([row.status, row.ruleSets]).toEqual(['unpublished', [NOTICE_ID]]);
    expect(admin.documentPreview(NOTICE_ID).clauses).toHaveLength(3);

    await admin.republishDocument(NOTICE_ID, 'agent02');
    expect(live.getDocument(NOTICE_ID)?.title).toBe('星河区萤火虫创新券试行办法（虚构测试文件）');
    expect(live.ruleSets.map((rs) => rs.id)).toContain(NOTICE_ID);
    expect(existsSync(path.join(temp.dir, 'unpublished/documents.yaml'))).toBe(false);

    const primary = await rejection(admin.unpublishDocument('zhengzhou-srdi-2024', 'agent02'));
    expect([primary.status, primary.code]).toEqual([409, 'primary_document']);
    expect((await rejection(admin.republishDocument(NOTICE_ID, 'agent02'))).code).toBe('already_published');
  });

  it('correct a published document’s metadata, served at once; an unchanged form is refused', async () => {
    await publishNotice();
    const result = await admin.updateDocument(NOTICE_ID, { title: '萤火虫创新券办法（虚构）', validTo: null }, 'agent03');
    expect(result.version.summary).toBe('更正《萤火虫创新券办法（虚构）》的标题（萤火虫创新券办法（虚构））、有效期至（长期）');
    expect(live.getDocument(NOTICE_ID)).toMatchObject({ title: '萤火虫创新券办法（虚构）', validity: { from: '2025-03-01' } });
    expect(live.getDocument(NOTICE_ID)?.validity.to).toBeUndefined();
    expect((await rejection(admin.updateDocument(NOTICE_ID, { title: '萤火虫创新券办法（虚构）' }, 'agent03'))).code).toBe('no_change');
    expect((await rejection(admin.updateDocument(NOTICE_ID, { docId: 'other-id' }, 'agent03'))).code).toBe('id_fixed');
  });
});

describe('history', () => {
  it('rolls back change by change to byte-identical files, a rollback itself recorded; then there is nothing left', async () => {
    const original = readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8');
    await publishNotice('agent01');
    const afterAdd = readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8');
    await admin.updateDocument(NOTICE_ID, { issuer: '星河区虚构局' }, 'agent02');
    expect(admin.status().rollback).toEqual({ toVersion: 1, undoes: expect.stringContaining('更正') });

    const first = await admin.rollback('agent03');
    expect(first.version).toMatchObject({ version: 3, basedOn: 0, action: 'rollback', who: 'agent03', changes: ['~ manifest.yaml'] });
    expect(readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8')).toBe(afterAdd);
    expect(live.getDocument(NOTICE_ID)?.issuer).toBe('星河区虚构科技创新局');

    const second = await admin.rollback('agent03');
    expect(second.version.summary).toContain('恢复到版本 0');
    expect(readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8')).toBe(original);
    expect(existsSync(path.join(temp.dir, 'sources/notice.pdf'))).toBe(false);
    expect(live.getDocument(NOTICE_ID)).toBeUndefined();
    expect((await rejection(admin.rollback('agent03'))).code).toBe('nothing_to_roll_back');
    expect(admin.status().history.map((v) => `${v.version}:${v.action}:${v.who}`)).toEqual([
      '4:rollback:agent03',
      '3:rollback:agent03',
      '2:update-metadata:agent02',
      '1:add-document:agent01',
      '0:baseline:系统',
    ]);
  });

  it('leaves the folder as it was, and the live knowledge alone, when the changed base cannot be built', async () => {
    const before = readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8');
    const draft = await admin.stageDocument({ fileName: 'notice.txt', bytes: fixture('fictitious-notice.txt'), who: 'agent01' });
    failNextBuild = true;
    const error = await rejection(admin.publishDraft(draft.draftId, 'agent01', live));
    expect([error.status, error.code]).toEqual([422, 'build_failed']);
    expect(error.message).toContain('已撤销本次修改');
    expect(readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8')).toBe(before);
    expect(existsSync(path.join(temp.dir, 'sources/notice.txt'))).toBe(false);
    expect(commits).toBe(0);
    expect(admin.status().history.map((v) => v.action)).toEqual(['baseline']);
    expect(admin.status().drafts).toHaveLength(1); // kept, to be corrected and tried again
  });

  it('records edits made outside as their own version, so a rollback undoes only the last change', async () => {
    await publishNotice();
    const edited = readFileSync(path.join(temp.dir, 'lexicon.yaml'), 'utf8').concat('\n# 另行编辑\n');
    writeFileSync(path.join(temp.dir, 'lexicon.yaml'), edited);
    await admin.updateDocument(NOTICE_ID, { jurisdiction: '星河区（虚构）' }, 'agent02');
    const versions = admin.status().history;
    expect(versions.map((v) => v.action)).toEqual(['update-metadata', 'external-edit', 'add-document', 'baseline']);
    expect(versions[1]!.changes).toEqual(['~ lexicon.yaml']);
    await admin.rollback('agent02');
    expect(readFileSync(path.join(temp.dir, 'lexicon.yaml'), 'utf8')).toBe(edited);
  });

  it('runs changes one at a time, and takes over a lock left by a process that died', async () => {
    mkdirSync(path.join(temp.dir, 'history'), { recursive: true });
    writeFileSync(path.join(temp.dir, 'history/.lock'), '2147483646 2020-01-01T00:00:00.000Z\n');
    await publishNotice();
    const [a, b] = await Promise.all([
      admin.updateDocument(NOTICE_ID, { issuer: '甲局' }, 'agent01'),
      admin.updateDocument(NOTICE_ID, { jurisdiction: '乙区' }, 'agent02'),
    ]);
    expect([a.version.version, b.version.version]).toEqual([2, 3]);
    expect(live.getDocument(NOTICE_ID)).toMatchObject({ issuer: '甲局', jurisdiction: '乙区' });
    expect(existsSync(path.join(temp.dir, 'history/.lock'))).toBe(false);
  });
});
