import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { BaseFolder } from '../base-folder.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { extractSource, SOURCE_KIND_NAMES, SourceFileError, sourceKindOf, type SourceKind } from '../pipeline/extract.js';
import { DOCUMENT_FORMATS, guessFormat, type DocumentFormat, type FormatGuess } from '../pipeline/format.js';
import { inferMetadata, META_FIELD_NAMES, type InferredMeta, type MetaField } from '../pipeline/infer-meta.js';
import { loadManifest, manifestEntrySchema, manifestSchema, type ManifestEntry } from '../pipeline/manifest.js';
import { readDocument } from '../pipeline/sources.js';
import { KnowledgeError } from '../errors.js';
import { loadRuleSetFile, RulesFileError } from '../rules/load-rules.js';
import type { RuleSet } from '../rules/rules-schema.js';
import type { Clause, CleaningReport } from '../types.js';
import { AdminError } from './errors.js';
import { ACTION_NAMES, BaseHistory, diffTrees, sameTree, type ChangeAction, type VersionRecord } from './history.js';
import { addEntry, removeEntry, replaceEntry } from './manifest-text.js';
import { checkRulesText } from './rules-check.js';

/**
 * Changes to a knowledge base made by hotline staff (the console's 知识库 screen) or on the command line
 * (`npm run knowledge:add`, `knowledge:rollback`): a file is uploaded as a draft and previewed (clause tree,
 * cleaning report, metadata read from its text), corrected, then published; documents and rule sets can be
 * unpublished and published again; every change is a version in the base's history and can be rolled back.
 *
 * A change is applied to the folder, then the knowledge is rebuilt from it (the caller's `rebuild`); only
 * when that succeeds is the change recorded and the new knowledge made live (`commit`). When it fails, the
 * folder is restored to the version before, and the running service never saw the change.
 */

export const FORMAT_NAMES: Readonly<Record<DocumentFormat, string>> = {
  'plan-web-page': '网页抓取的方案（一、（一）1.，带页面残留）',
  'plan-text': '方案、意见类文本（一、（一）1.）',
  'law-markdown': '法规（Markdown，第X条）',
  'law-text': '法规、办法类文本（第X条）',
};

/** Accepted size of an uploaded file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Metadata staff give or correct; `null` clears an optional field (no issue date, no end of validity). */
export interface MetadataInput {
  docId?: string;
  title?: string;
  shortTitle?: string | null;
  issuer?: string;
  issueDate?: string | null;
  validFrom?: string;
  validTo?: string | null;
  jurisdiction?: string;
  format?: DocumentFormat;
}

export interface DocumentMetadata {
  docId: string;
  title?: string;
  shortTitle?: string;
  issuer?: string;
  issueDate?: string;
  validFrom?: string;
  validTo?: string;
  jurisdiction?: string;
}

export interface ClauseSummary {
  clauseId: string;
  kind: Clause['kind'];
  label: string;
  heading: string;
  path: string[];
  /** Characters of text. */
  length: number;
  /** Amounts of money the clause states, in yuan. */
  amountsYuan: number[];
  /** The first characters of the text. */
  excerpt: string;
}

export interface DocumentPreview {
  source: { kind: SourceKind; kindName: string; bytes: number; notes: string[] };
  format: { guess: FormatGuess; used: DocumentFormat; usedName: string };
  metadata: DocumentMetadata;
  /** Fields read from the text (not given), each with where it was found. */
  inferred: { field: MetaField; label: string; value: string; how: string }[];
  /** Fields still needed before publishing, by label. */
  missing: string[];
  clauses: ClauseSummary[];
  cleaning: CleaningReport;
  /** Why the text cannot be published as it is (parse failures, no clauses). */
  problems: string[];
}

export interface DocumentDraftPreview extends DocumentPreview {
  draftId: string;
  kind: 'document';
  fileName: string;
  createdAt: string;
  createdBy: string;
}

export interface RulesDraftPreview {
  draftId: string;
  kind: 'rules';
  fileName: string;
  createdAt: string;
  createdBy: string;
  ruleSet: RuleSetSummary;
  /** True when a published rule set has the same id: publishing replaces it. */
  replaces: boolean;
  /** Problems found when checked again now (empty when it can be published). */
  problems: { line?: number; path?: string; message: string }[];
  /** The file's text, for showing lines next to problems. */
  text: string;
}

export interface RuleSetSummary {
  id: string;
  docId: string;
  title: string;
  validity: { from: string; to: string };
  rules: { id: string; title: string; citation: { docId: string; clauseId: string }; amountKind: string }[];
  facts: { id: string; type: string; label: string; question: string; options?: { value: string; label: string }[] }[];
}

export type DraftPreview = DocumentDraftPreview | RulesDraftPreview;

export interface BaseStatus {
  base: { name: string; assistantName?: string };
  documents: {
    docId: string;
    title: string;
    shortTitle?: string;
    issuer: string;
    issueDate?: string;
    validFrom: string;
    validTo?: string;
    jurisdiction: string;
    format?: DocumentFormat;
    file: string;
    original?: string;
    primary: boolean;
    status: 'published' | 'unpublished';
    ruleSets: string[];
  }[];
  ruleSets: { id: string; docId: string; title: string; rules: number; status: 'published' | 'unpublished' }[];
  drafts: { draftId: string; kind: 'document' | 'rules'; fileName: string; title: string; createdAt: string; createdBy: string }[];
  /** Newest first, without the file lists. */
  history: (Omit<VersionRecord, 'files'> & { actionName: string })[];
  /** What a rollback would do now; absent when there is nothing to roll back. */
  rollback?: { toVersion: number; undoes: string };
}

export interface ChangeResult {
  version: Omit<VersionRecord, 'files'>;
  knowledge: KnowledgeBase;
}

/** Rebuilds the knowledge from the base folder as it is now; `commit` makes it the live one. Throws when it cannot be built. */
export type Rebuild = () => Promise<{ knowledge: KnowledgeBase; commit: () => void }>;

interface DocumentDraftRecord {
  kind: 'document';
  draftId: string;
  fileName: string;
  createdAt: string;
  createdBy: string;
  sourceKind: SourceKind;
  bytes: number;
  notes: string[];
  verbatim: boolean;
  inferred: InferredMeta;
  given: MetadataInput;
}

interface RulesDraftRecord {
  kind: 'rules';
  draftId: string;
  fileName: string;
  createdAt: string;
  createdBy: string;
  ruleSetId: string;
  title: string;
}

type DraftRecord = DocumentDraftRecord | RulesDraftRecord;

const DRAFT_ID = /^[0-9a-f]{12}$/;

export class KnowledgeAdmin {
  readonly history: BaseHistory;
  private readonly draftsDir: string;
  private readonly shelfDir: string;
  private readonly shelfManifest: string;
  private readonly shelfRulesDir: string;
  private readonly now: () => Date;

  constructor(
    readonly base: BaseFolder,
    private readonly rebuild: Rebuild,
    options: { now?: () => Date } = {},
  ) {
    this.history = new BaseHistory(base);
    this.draftsDir = path.join(this.history.dir, 'drafts');
    // Unpublished documents and rule sets wait here, part of the base's versions, to be published again.
    this.shelfDir = path.join(base.dir, 'unpublished');
    this.shelfManifest = path.join(this.shelfDir, 'documents.yaml');
    this.shelfRulesDir = path.join(this.shelfDir, 'rules');
    this.now = options.now ?? (() => new Date());
  }

  // ---- reading -------------------------------------------------------------------------------------

  status(): BaseStatus {
    const manifest = loadManifest(this.base.manifestFile);
    const published = this.listRuleFiles(this.base.rulesDir);
    const shelved = this.listRuleFiles(this.shelfRulesDir);
    const ruleSetsOf = (docId: string) => [...published, ...shelved].filter((rs) => rs.docId === docId).map((rs) => rs.id);
    const primaryId = (manifest.documents.find((d) => d.primary) ?? manifest.documents[0])?.id;
    const documentRow = (entry: ManifestEntry, status: 'published' | 'unpublished') => ({
      docId: entry.id,
      title: entry.title,
      ...(entry.shortTitle ? { shortTitle: entry.shortTitle } : {}),
      issuer: entry.issuer,
      ...(entry.issueDate ? { issueDate: entry.issueDate } : {}),
      validFrom: entry.validity.from,
      ...(entry.validity.to ? { validTo: entry.validity.to } : {}),
      jurisdiction: entry.jurisdiction,
      ...(entry.format ? { format: entry.format } : {}),
      file: entry.file,
      ...(entry.original ? { original: entry.original } : {}),
      primary: status === 'published' && entry.id === primaryId,
      status,
      ruleSets: ruleSetsOf(entry.id),
    });
    const history = this.history.list();
    const target = this.history.rollbackTarget();
    const head = history.at(-1);
    return {
      base: { name: this.base.name, ...(manifest.assistant ? { assistantName: manifest.assistant.name } : {}) },
      documents: [
        ...manifest.documents.map((e) => documentRow(e, 'published')),
        ...this.shelvedDocuments().map((e) => documentRow(e, 'unpublished')),
      ],
      ruleSets: [
        ...published.map((rs) => ({ ...rs, status: 'published' as const })),
        ...shelved.map((rs) => ({ ...rs, status: 'unpublished' as const })),
      ],
      drafts: this.draftRecords().map((d) => ({
        draftId: d.draftId,
        kind: d.kind,
        fileName: d.fileName,
        title: d.kind === 'rules' ? d.title : (d.given.title ?? d.inferred.title?.value ?? d.fileName),
        createdAt: d.createdAt,
        createdBy: d.createdBy,
      })),
      history: history.reverse().map(({ files: _files, ...record }) => ({ ...record, actionName: ACTION_NAMES[record.action] })),
      ...(target && head ? { rollback: { toVersion: target.version, undoes: head.summary } } : {}),
    };
  }

  /** The preview of a document of the base, published or unpublished, as the pipeline reads it now. */
  documentPreview(docId: string): DocumentPreview {
    const entry = this.findEntry(docId)?.entry;
    if (!entry) throw new AdminError('not_found', `没有编号为 ${docId} 的文件`, 404);
    const text = readFileSync(path.join(this.base.sourcesDir, entry.file), 'utf8');
    const kind = sourceKindOf(entry.original ?? entry.file) ?? 'text';
    const original = path.join(this.base.sourcesDir, entry.original ?? entry.file);
    return this.preview(
      text,
      { kind, bytes: existsSync(original) ? readFileSync(original).length : text.length, notes: [] },
      metadataOf(entry),
      {},
      entry.format,
    );
  }

  /** A draft's preview; a rules draft is checked again against `knowledge` (the base may have changed since). */
  draft(draftId: string, knowledge: KnowledgeBase): DraftPreview {
    const record = this.readDraft(draftId);
    return record.kind === 'document' ? this.documentDraftPreview(record) : this.rulesDraftPreview(record, knowledge);
  }

  /** The rule set of a rules draft, for a calculation on sample facts before it is published. */
  draftRuleSet(draftId: string, knowledge: KnowledgeBase): RuleSet {
    const record = this.readDraft(draftId);
    if (record.kind !== 'rules') throw new AdminError('not_rules', '这份草稿是政策文件，不是奖补规则', 400);
    return checkRulesText(record.fileName, this.draftText(record, 'rules.yaml'), this.rulesContext(knowledge));
  }

  // ---- drafts --------------------------------------------------------------------------------------

  /** Reads an uploaded policy file into a draft: text, metadata (given, else read from the text), preview. */
  async stageDocument(input: {
    fileName: string;
    bytes: Uint8Array;
    metadata?: MetadataInput;
    who: string;
  }): Promise<DocumentDraftPreview> {
    const fileName = safeFileName(input.fileName);
    if (input.bytes.length > MAX_UPLOAD_BYTES)
      throw new AdminError('file_too_large', `文件过大（${megabytes(input.bytes.length)}），上限 ${megabytes(MAX_UPLOAD_BYTES)}`, 413);
    if (input.bytes.length === 0) throw new AdminError('empty_file', `文件 ${fileName} 是空的`, 422);
    const given = validateMetadata(input.metadata ?? {});
    let extracted;
    try {
      extracted = await extractSource(fileName, input.bytes);
    } catch (error) {
      if (error instanceof SourceFileError) throw new AdminError(error.code, error.message, error.status);
      throw error;
    }
    const draftId = randomBytes(6).toString('hex');
    const dir = path.join(this.draftsDir, draftId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `original${path.extname(fileName).toLowerCase()}`), input.bytes);
    writeFileSync(path.join(dir, 'text.txt'), extracted.text.endsWith('\n') ? extracted.text : `${extracted.text}\n`);
    const record: DocumentDraftRecord = {
      kind: 'document',
      draftId,
      fileName,
      createdAt: this.now().toISOString(),
      createdBy: input.who,
      sourceKind: extracted.kind,
      bytes: input.bytes.length,
      notes: extracted.notes,
      verbatim: extracted.verbatim,
      inferred: inferMetadata(extracted.text, extracted.titleHint ? { titleHint: extracted.titleHint } : {}),
      given,
    };
    this.writeDraft(record);
    return this.documentDraftPreview(record);
  }

  /** Checks an uploaded rules file against this base (errors by line, 422) and keeps it as a draft. */
  stageRules(input: { fileName: string; bytes: Uint8Array; who: string }, knowledge: KnowledgeBase): RulesDraftPreview {
    const fileName = safeFileName(input.fileName);
    if (!/\.ya?ml$/i.test(fileName))
      throw new AdminError('unsupported_file_type', `奖补规则须是 .yaml 文件，收到的是 ${path.extname(fileName) || '无扩展名的文件'}`, 415);
    if (input.bytes.length > MAX_UPLOAD_BYTES)
      throw new AdminError('file_too_large', `文件过大（${megabytes(input.bytes.length)}），上限 ${megabytes(MAX_UPLOAD_BYTES)}`, 413);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input.bytes);
    } catch {
      throw new AdminError('unreadable_file', `奖补规则文件 ${fileName} 不是 UTF-8 编码的文本`, 422);
    }
    const ruleSet = checkRulesText(fileName, text, this.rulesContext(knowledge));
    const draftId = randomBytes(6).toString('hex');
    mkdirSync(path.join(this.draftsDir, draftId), { recursive: true });
    writeFileSync(path.join(this.draftsDir, draftId, 'rules.yaml'), text);
    const record: RulesDraftRecord = {
      kind: 'rules',
      draftId,
      fileName,
      createdAt: this.now().toISOString(),
      createdBy: input.who,
      ruleSetId: ruleSet.id,
      title: ruleSet.title,
    };
    this.writeDraft(record);
    return this.rulesDraftPreview(record, knowledge);
  }

  updateDraft(draftId: string, metadata: MetadataInput): DocumentDraftPreview {
    const record = this.readDraft(draftId);
    if (record.kind !== 'document') throw new AdminError('not_document', '奖补规则草稿没有文件信息可更正；请修改规则文件后重新上传', 400);
    const given = { ...record.given, ...validateMetadata(metadata) };
    const updated = { ...record, given };
    this.writeDraft(updated);
    return this.documentDraftPreview(updated);
  }

  discardDraft(draftId: string): void {
    this.readDraft(draftId);
    rmSync(path.join(this.draftsDir, draftId), { recursive: true, force: true });
  }

  // ---- changes -------------------------------------------------------------------------------------

  /** Publishes a draft: a document is copied into sources/ and listed in the manifest; rules go to rules/. */
  async publishDraft(draftId: string, who: string, knowledge: KnowledgeBase): Promise<ChangeResult> {
    const record = this.readDraft(draftId);
    const result =
      record.kind === 'document' ? await this.publishDocumentDraft(record, who) : await this.publishRulesDraft(record, who, knowledge);
    rmSync(path.join(this.draftsDir, draftId), { recursive: true, force: true });
    return result;
  }

  async unpublishDocument(docId: string, who: string): Promise<ChangeResult> {
    return this.change(who, 'unpublish-document', () => {
      const manifest = loadManifest(this.base.manifestFile);
      const entry = manifest.documents.find((d) => d.id === docId);
      if (!entry) throw this.notPublished(docId);
      if (manifest.documents.length === 1) throw new AdminError('last_document', '知识库至少要保留一份已发布的文件', 409);
      const primary = manifest.documents.find((d) => d.primary) ?? manifest.documents[0]!;
      if (primary.id === docId)
        throw new AdminError('primary_document', `《${entry.title}》是本知识库的主文件（未指明文件的问题都按它回答），不能下架`, 409);
      const ruleSets = this.readRuleSets(this.base.rulesDir).filter((rs) => rs.docId === docId);
      return {
        summary: `下架《${entry.title}》${ruleSets.length ? `及其奖补规则 ${ruleSets.map((rs) => rs.id).join('、')}` : ''}`,
        apply: () => {
          writeFileSync(this.base.manifestFile, removeEntry(readFileSync(this.base.manifestFile, 'utf8'), docId));
          this.writeShelf([...this.shelvedDocuments().filter((d) => d.id !== docId), entry]);
          for (const rs of ruleSets) this.moveRules(rs.id, this.base.rulesDir, this.shelfRulesDir);
        },
      };
    });
  }

  async republishDocument(docId: string, who: string): Promise<ChangeResult> {
    return this.change(who, 'publish-document', () => {
      const entry = this.shelvedDocuments().find((d) => d.id === docId);
      if (!entry) {
        if (loadManifest(this.base.manifestFile).documents.some((d) => d.id === docId))
          throw new AdminError('already_published', `${docId} 已经是发布状态`, 409);
        throw new AdminError('not_found', `没有编号为 ${docId} 的已下架文件`, 404);
      }
      const ruleSets = this.readRuleSets(this.shelfRulesDir).filter((rs) => rs.docId === docId);
      return {
        summary: `重新发布《${entry.title}》${ruleSets.length ? `及其奖补规则 ${ruleSets.map((rs) => rs.id).join('、')}` : ''}`,
        apply: () => {
          writeFileSync(this.base.manifestFile, addEntry(readFileSync(this.base.manifestFile, 'utf8'), entry));
          this.writeShelf(this.shelvedDocuments().filter((d) => d.id !== docId));
          for (const rs of ruleSets) this.moveRules(rs.id, this.shelfRulesDir, this.base.rulesDir);
        },
      };
    });
  }

  /** Corrects a document's metadata (published: rebuilt and served at once; unpublished: kept for later). */
  async updateDocument(docId: string, metadata: MetadataInput, who: string): Promise<ChangeResult> {
    const input = validateMetadata(metadata);
    if (input.docId !== undefined && input.docId !== docId)
      throw new AdminError('id_fixed', '已发布文件的编号不能修改（奖补规则和引用都以它为准）', 400);
    return this.change(who, 'update-metadata', () => {
      const found = this.findEntry(docId);
      if (!found) throw new AdminError('not_found', `没有编号为 ${docId} 的文件`, 404);
      const entry = applyMetadata(found.entry, input);
      const changed = describeChanges(found.entry, entry);
      if (changed.length === 0) throw new AdminError('no_change', '文件信息没有变化', 400);
      return {
        summary: `更正《${entry.title}》的${changed.join('、')}`,
        apply: () => {
          if (found.status === 'published')
            writeFileSync(this.base.manifestFile, replaceEntry(readFileSync(this.base.manifestFile, 'utf8'), docId, entry));
          else this.writeShelf(this.shelvedDocuments().map((d) => (d.id === docId ? entry : d)));
        },
      };
    });
  }

  async unpublishRules(ruleSetId: string, who: string): Promise<ChangeResult> {
    return this.change(who, 'unpublish-rules', () => {
      const ruleSet = this.readRuleSets(this.base.rulesDir).find((rs) => rs.id === ruleSetId);
      if (!ruleSet) throw new AdminError('not_found', `没有已发布的奖补规则 ${ruleSetId}`, 404);
      return {
        summary: `下架奖补规则《${ruleSet.title}》（${ruleSetId}）`,
        apply: () => this.moveRules(ruleSetId, this.base.rulesDir, this.shelfRulesDir),
      };
    });
  }

  async republishRules(ruleSetId: string, who: string, knowledge: KnowledgeBase): Promise<ChangeResult> {
    return this.change(who, 'publish-rules', () => {
      const file = this.rulesFile(this.shelfRulesDir, ruleSetId);
      if (!file) throw new AdminError('not_found', `没有已下架的奖补规则 ${ruleSetId}`, 404);
      const ruleSet = checkRulesText(path.basename(file), readFileSync(file, 'utf8'), this.rulesContext(knowledge));
      return {
        summary: `重新发布奖补规则《${ruleSet.title}》（${ruleSetId}）`,
        apply: () => this.moveRules(ruleSetId, this.shelfRulesDir, this.base.rulesDir),
      };
    });
  }

  /** Restores the version before the last change (a rollback is itself a change, and can be rolled back in turn). */
  async rollback(who: string): Promise<ChangeResult> {
    return this.change(who, 'rollback', () => ({ summary: '', apply: () => undefined }), { rollback: true });
  }

  // ---- internals -----------------------------------------------------------------------------------

  private async publishDocumentDraft(record: DocumentDraftRecord, who: string): Promise<ChangeResult> {
    const ext = path.extname(record.fileName).toLowerCase();
    const stem = path.basename(record.fileName, path.extname(record.fileName));
    const dir = path.join(this.draftsDir, record.draftId);
    return this.change(who, 'add-document', () => {
      const preview = this.documentDraftPreview(record);
      if (preview.missing.length > 0) throw new AdminError('metadata_missing', `发布前请补全：${preview.missing.join('、')}`, 422);
      if (preview.problems.length > 0) throw new AdminError('unparsable', `无法发布：${preview.problems.join('；')}`, 422);
      const meta = preview.metadata;
      if (this.findEntry(meta.docId))
        throw new AdminError('duplicate_id', `编号 ${meta.docId} 已被本知识库的其他文件使用（含已下架文件），请更正编号`, 409);
      const names = this.freeSourceNames(stem, ext, record.verbatim);
      const entry = manifestEntrySchema.parse({
        id: meta.docId,
        title: meta.title,
        ...(meta.shortTitle ? { shortTitle: meta.shortTitle } : {}),
        issuer: meta.issuer,
        ...(meta.issueDate ? { issueDate: meta.issueDate } : {}),
        validity: { from: meta.validFrom, ...(meta.validTo ? { to: meta.validTo } : {}) },
        jurisdiction: meta.jurisdiction,
        format: preview.format.used,
        file: names.text,
        ...(names.original ? { original: names.original } : {}),
      });
      return {
        summary: `新增《${entry.title}》（${entry.id}，${SOURCE_KIND_NAMES[record.sourceKind]}）`,
        apply: () => {
          const originalBytes = readFileSync(path.join(dir, `original${ext}`));
          mkdirSync(this.base.sourcesDir, { recursive: true });
          if (names.original) {
            writeFileSync(path.join(this.base.sourcesDir, names.original), originalBytes);
            writeFileSync(path.join(this.base.sourcesDir, names.text), readFileSync(path.join(dir, 'text.txt')));
          } else writeFileSync(path.join(this.base.sourcesDir, names.text), originalBytes);
          const next = addEntry(readFileSync(this.base.manifestFile, 'utf8'), entry);
          const check = manifestSchema.safeParse(parseYaml(next, { schema: 'core' }));
          if (!check.success)
            throw new AdminError('manifest_invalid', `登记后的 manifest.yaml 无效：${check.error.issues[0]?.message}`, 422);
          writeFileSync(this.base.manifestFile, next);
        },
      };
    });
  }

  private async publishRulesDraft(record: RulesDraftRecord, who: string, knowledge: KnowledgeBase): Promise<ChangeResult> {
    const text = this.draftText(record, 'rules.yaml');
    return this.change(who, 'publish-rules', () => {
      const ruleSet = checkRulesText(record.fileName, text, this.rulesContext(knowledge));
      const replaces = this.rulesFile(this.base.rulesDir, ruleSet.id);
      return {
        summary: `${replaces ? '更新' : '发布'}奖补规则《${ruleSet.title}》（${ruleSet.id}，${ruleSet.rules.length} 条）`,
        apply: () => {
          if (replaces) rmSync(replaces);
          const shelved = this.rulesFile(this.shelfRulesDir, ruleSet.id);
          if (shelved) rmSync(shelved);
          mkdirSync(this.base.rulesDir, { recursive: true });
          writeFileSync(path.join(this.base.rulesDir, `${ruleSet.id}.yaml`), text);
        },
      };
    });
  }

  /**
   * One change, holding the base's lock: planned on the files as they are then (so two changes never build
   * on the same state), recorded against the version before it (noting edits made outside first), applied,
   * rebuilt, then recorded and made live. On any failure the folder goes back to the version before.
   */
  private async change(
    who: string,
    action: ChangeAction,
    plan: () => { summary: string; apply: () => void },
    options: { rollback?: boolean } = {},
  ): Promise<ChangeResult> {
    return this.history.withLock(async () => {
      let { summary, apply } = plan();
      const now = this.now().toISOString();
      let head = this.history.head();
      const current = this.history.captureTree();
      if (!head) {
        head = this.history.append({
          version: 0,
          at: now,
          who: '系统',
          action: 'baseline',
          summary: '首次修改前的知识库',
          changes: [],
          files: current,
        });
      } else if (!sameTree(head.files, current)) {
        head = this.history.append({
          version: head.version + 1,
          basedOn: head.version,
          at: now,
          who: '（控制台之外）',
          action: 'external-edit',
          summary: '知识库文件在控制台之外被修改（直接编辑或更新了代码库）',
          changes: diffTrees(head.files, current),
          files: current,
        });
      }
      let basedOn: number | undefined = head.version;
      if (options.rollback) {
        const target = this.history.rollbackTarget();
        if (!target) throw new AdminError('nothing_to_roll_back', '没有可以回滚的更早版本', 409);
        summary = `回滚“${head.summary}”，恢复到版本 ${target.version}`;
        basedOn = target.basedOn;
        const files = target.files;
        apply = () => this.history.restoreTree(files);
      }
      try {
        apply();
        const { knowledge, commit } = await this.rebuild();
        const after = this.history.captureTree();
        const record = this.history.append({
          version: head.version + 1,
          ...(basedOn !== undefined ? { basedOn } : {}),
          at: now,
          who,
          action,
          summary,
          changes: diffTrees(head.files, after),
          files: after,
        });
        commit();
        const { files: _files, ...version } = record;
        return { version, knowledge };
      } catch (error) {
        this.history.restoreTree(head.files);
        if (error instanceof KnowledgeError || error instanceof RulesFileError)
          throw new AdminError('build_failed', `修改后知识库无法构建，已撤销本次修改：${error.message}`, 422);
        throw error;
      }
    });
  }

  private documentDraftPreview(record: DocumentDraftRecord): DocumentDraftPreview {
    const text = this.draftText(record, 'text.txt');
    const inferredDocId = docIdFor(record.fileName, text, record.given.issueDate ?? record.inferred.issueDate?.value);
    const fallback = this.primaryJurisdiction();
    const inferred: InferredMeta = { ...record.inferred };
    if (!inferred.jurisdiction && fallback)
      inferred.jurisdiction = { value: fallback, how: '未能从正文识别，暂取本知识库主文件的适用地区' };
    if (!inferred.validFrom && inferred.issueDate)
      inferred.validFrom = { value: inferred.issueDate.value, how: '未写明生效日期，取发布日期' };
    const given = { docId: inferredDocId, ...record.given };
    const preview = this.preview(
      text,
      { kind: record.sourceKind, bytes: record.bytes, notes: record.notes },
      mergeMetadata(given, inferred),
      inferred,
      record.given.format,
      given,
    );
    return {
      draftId: record.draftId,
      kind: 'document',
      fileName: record.fileName,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      ...preview,
    };
  }

  private rulesDraftPreview(record: RulesDraftRecord, knowledge: KnowledgeBase): RulesDraftPreview {
    const text = this.draftText(record, 'rules.yaml');
    let ruleSet: RuleSet | undefined;
    let problems: RulesDraftPreview['problems'] = [];
    try {
      ruleSet = checkRulesText(record.fileName, text, this.rulesContext(knowledge));
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      problems = error.issues.length ? error.issues : [{ message: error.message }];
    }
    ruleSet ??= parseRulesLoosely(text);
    return {
      draftId: record.draftId,
      kind: 'rules',
      fileName: record.fileName,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      ruleSet: summariseRuleSet(ruleSet, record),
      replaces: this.rulesFile(this.base.rulesDir, record.ruleSetId) !== undefined,
      problems,
      text,
    };
  }

  private preview(
    text: string,
    source: { kind: SourceKind; bytes: number; notes: string[] },
    metadata: DocumentMetadata,
    inferred: InferredMeta,
    format: DocumentFormat | undefined,
    given: MetadataInput = {},
  ): DocumentPreview {
    const guess = guessFormat(text);
    const used = format ?? guess.format;
    const problems: string[] = [];
    let clauses: Clause[] = [];
    let cleaning: CleaningReport = { docId: metadata.docId, removed: [], rubyAnnotationsStripped: 0, issues: [] };
    try {
      const read = readDocument(
        {
          id: metadata.docId,
          title: metadata.title ?? '',
          aliases: [],
          issuer: metadata.issuer ?? '',
          validity: { from: metadata.validFrom ?? '1970-01-01' },
          jurisdiction: metadata.jurisdiction ?? '',
          format: used,
          file: '',
        },
        text,
      );
      clauses = read.document.clauses;
      cleaning = read.report;
    } catch (error) {
      const message = (error as Error).message.replace(/^[a-z0-9-]+: /, '');
      problems.push(`按“${FORMAT_NAMES[used]}”无法解析：${message.replace(/^text outside any clause: /, '有不属于任何条款的文字：')}`);
    }
    if (problems.length === 0 && clauses.length === 0) problems.push(`按“${FORMAT_NAMES[used]}”没有识别出任何条款，请检查文件或更正格式`);
    const required: MetaField[] = ['title', 'issuer', 'validFrom', 'jurisdiction'];
    return {
      source: { ...source, kindName: SOURCE_KIND_NAMES[source.kind] },
      format: { guess, used, usedName: FORMAT_NAMES[used] },
      metadata,
      inferred: (Object.entries(inferred) as [MetaField, { value: string; how: string }][])
        .filter(([field]) => given[field] === undefined)
        .map(([field, v]) => ({ field, label: META_FIELD_NAMES[field], value: v.value, how: v.how })),
      missing: required.filter((f) => !metadata[f]).map((f) => META_FIELD_NAMES[f]),
      clauses: clauses.map((c) => ({
        clauseId: c.id,
        kind: c.kind,
        label: c.label,
        heading: c.heading,
        path: c.path,
        length: c.text.length,
        amountsYuan: c.amountsYuan,
        excerpt: c.text.length > 80 ? `${c.text.slice(0, 80)}…` : c.text,
      })),
      cleaning,
      problems,
    };
  }

  private rulesContext(knowledge: KnowledgeBase) {
    const manifest = loadManifest(this.base.manifestFile);
    return {
      documents: manifest.documents.map((d) => ({ id: d.id, title: d.title })),
      getClause: knowledge.getClause,
      ruleSets: this.readRuleSets(this.base.rulesDir),
    };
  }

  private primaryJurisdiction(): string | undefined {
    const manifest = loadManifest(this.base.manifestFile);
    return (manifest.documents.find((d) => d.primary) ?? manifest.documents[0])?.jurisdiction;
  }

  private findEntry(docId: string): { entry: ManifestEntry; status: 'published' | 'unpublished' } | undefined {
    const published = loadManifest(this.base.manifestFile).documents.find((d) => d.id === docId);
    if (published) return { entry: published, status: 'published' };
    const shelved = this.shelvedDocuments().find((d) => d.id === docId);
    return shelved ? { entry: shelved, status: 'unpublished' } : undefined;
  }

  private notPublished(docId: string): AdminError {
    return this.shelvedDocuments().some((d) => d.id === docId)
      ? new AdminError('already_unpublished', `${docId} 已经下架`, 409)
      : new AdminError('not_found', `没有编号为 ${docId} 的已发布文件`, 404);
  }

  private shelvedDocuments(): ManifestEntry[] {
    if (!existsSync(this.shelfManifest)) return [];
    const data = parseYaml(readFileSync(this.shelfManifest, 'utf8'), { schema: 'core' }) as { documents?: unknown[] } | null;
    return (data?.documents ?? []).map((d) => manifestEntrySchema.parse(d));
  }

  private writeShelf(entries: ManifestEntry[]): void {
    mkdirSync(this.shelfDir, { recursive: true });
    if (entries.length === 0) rmSync(this.shelfManifest, { force: true });
    else
      writeFileSync(
        this.shelfManifest,
        `# 已下架的文件：不再回答，可在控制台“知识库”中重新发布。\n${stringifyYaml({ documents: entries }, { lineWidth: 0 })}`,
      );
  }

  /** The rule sets of a folder for listing: one that no longer loads is listed with why, not left out. */
  private listRuleFiles(dir: string): { id: string; docId: string; title: string; rules: number }[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => {
        try {
          const rs = loadRuleSetFile(path.join(dir, n));
          return { id: rs.id, docId: rs.docId, title: rs.title, rules: rs.rules.length };
        } catch (error) {
          const problem = error instanceof RulesFileError ? (error.issues[0]?.problem ?? error.message) : (error as Error).message;
          return { id: n.replace(/\.ya?ml$/, ''), docId: '', title: `（无法读取：${problem}）`, rules: 0 };
        }
      });
  }

  private readRuleSets(dir: string): RuleSet[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => loadRuleSetFile(path.join(dir, n)));
  }

  private rulesFile(dir: string, ruleSetId: string): string | undefined {
    for (const ext of ['.yaml', '.yml']) {
      const file = path.join(dir, `${ruleSetId}${ext}`);
      if (existsSync(file)) return file;
    }
    return undefined;
  }

  private moveRules(ruleSetId: string, from: string, to: string): void {
    const file = this.rulesFile(from, ruleSetId);
    if (!file) return;
    mkdirSync(to, { recursive: true });
    renameSync(file, path.join(to, path.basename(file)));
  }

  /** Names in sources/ for a new document's files that no other file has. */
  private freeSourceNames(stem: string, ext: string, verbatim: boolean): { text: string; original?: string } {
    for (let n = 1; ; n++) {
      const name = n === 1 ? stem : `${stem}-${n}`;
      const text = verbatim ? `${name}${ext}` : `${name}.txt`;
      const original = verbatim ? undefined : `${name}${ext}`;
      const taken = [text, original].some((f) => f !== undefined && existsSync(path.join(this.base.sourcesDir, f)));
      if (!taken) return { text, ...(original ? { original } : {}) };
    }
  }

  private draftRecords(): DraftRecord[] {
    if (!existsSync(this.draftsDir)) return [];
    return readdirSync(this.draftsDir)
      .filter((id) => DRAFT_ID.test(id) && existsSync(path.join(this.draftsDir, id, 'draft.json')))
      .map((id) => JSON.parse(readFileSync(path.join(this.draftsDir, id, 'draft.json'), 'utf8')) as DraftRecord)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private readDraft(draftId: string): DraftRecord {
    const file = path.join(this.draftsDir, draftId, 'draft.json');
    if (!DRAFT_ID.test(draftId) || !existsSync(file))
      throw new AdminError('not_found', `没有这份草稿（${draftId}），可能已发布或已删除`, 404);
    return JSON.parse(readFileSync(file, 'utf8')) as DraftRecord;
  }

  private writeDraft(record: DraftRecord): void {
    writeFileSync(path.join(this.draftsDir, record.draftId, 'draft.json'), JSON.stringify(record, null, 2));
  }

  private draftText(record: DraftRecord, name: string): string {
    return readFileSync(path.join(this.draftsDir, record.draftId, name), 'utf8');
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

/** The file's own name, without folders or characters a file system refuses. */
function safeFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const cleaned = base
    .replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(-120);
  if (cleaned === '' || cleaned === path.extname(cleaned)) throw new AdminError('invalid_file_name', `文件名无效：${name}`, 400);
  return cleaned;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function realDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Checks metadata given by staff; wrong values fail with what is wrong (400). */
export function validateMetadata(input: MetadataInput): MetadataInput {
  const problems: string[] = [];
  const out: MetadataInput = {};
  const text = (field: 'title' | 'issuer' | 'jurisdiction', label: string) => {
    const value = input[field];
    if (value === undefined) return;
    if (value.trim() === '') problems.push(`${label}不能为空`);
    else out[field] = value.trim();
  };
  text('title', '标题');
  text('issuer', '发布机关');
  text('jurisdiction', '适用地区');
  if (input.shortTitle !== undefined) out.shortTitle = input.shortTitle?.trim() || null;
  for (const [field, label] of [
    ['issueDate', '发布日期'],
    ['validFrom', '生效日期'],
    ['validTo', '有效期至'],
  ] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null || value === '') {
      if (field === 'validFrom') problems.push('生效日期不能为空');
      else out[field] = null;
    } else if (!realDay(value)) problems.push(`${label}“${value}”不是有效日期，应写作 YYYY-MM-DD，如 2025-03-01`);
    else out[field] = value;
  }
  if (input.docId !== undefined) {
    if (!SLUG.test(input.docId)) problems.push(`编号“${input.docId}”无效：只能用小写字母、数字和连字符，如 xinghe-voucher-2025`);
    else out.docId = input.docId;
  }
  if (input.format !== undefined) {
    if (!(DOCUMENT_FORMATS as readonly string[]).includes(input.format)) problems.push(`未知格式“${input.format}”`);
    else out.format = input.format;
  }
  if (out.validFrom && out.validTo && out.validTo < out.validFrom) problems.push(`有效期至 ${out.validTo} 早于生效日期 ${out.validFrom}`);
  if (problems.length > 0) throw new AdminError('invalid_metadata', problems.join('；'), 400);
  return out;
}

function mergeMetadata(given: MetadataInput & { docId: string }, inferred: InferredMeta): DocumentMetadata {
  const pick = (field: MetaField): string | undefined => {
    const value = given[field];
    if (value === null) return undefined;
    return value ?? inferred[field]?.value;
  };
  const out: DocumentMetadata = { docId: given.docId };
  const fields: MetaField[] = ['title', 'issuer', 'issueDate', 'validFrom', 'validTo', 'jurisdiction'];
  for (const field of fields) {
    const value = pick(field);
    if (value !== undefined) out[field] = value;
  }
  if (given.shortTitle) out.shortTitle = given.shortTitle;
  if (!out.validFrom && out.issueDate) out.validFrom = out.issueDate;
  return out;
}

function metadataOf(entry: ManifestEntry): DocumentMetadata {
  return {
    docId: entry.id,
    title: entry.title,
    ...(entry.shortTitle ? { shortTitle: entry.shortTitle } : {}),
    issuer: entry.issuer,
    ...(entry.issueDate ? { issueDate: entry.issueDate } : {}),
    validFrom: entry.validity.from,
    ...(entry.validity.to ? { validTo: entry.validity.to } : {}),
    jurisdiction: entry.jurisdiction,
  };
}

function applyMetadata(entry: ManifestEntry, input: MetadataInput): ManifestEntry {
  const next: ManifestEntry = { ...entry, validity: { ...entry.validity } };
  if (input.title !== undefined) next.title = input.title;
  if (input.issuer !== undefined) next.issuer = input.issuer;
  if (input.jurisdiction !== undefined) next.jurisdiction = input.jurisdiction;
  if (input.format !== undefined) next.format = input.format;
  if (input.shortTitle !== undefined) {
    if (input.shortTitle === null) delete next.shortTitle;
    else next.shortTitle = input.shortTitle;
  }
  if (input.issueDate !== undefined) {
    if (input.issueDate === null) delete next.issueDate;
    else next.issueDate = input.issueDate;
  }
  if (input.validFrom) next.validity.from = input.validFrom;
  if (input.validTo !== undefined) {
    if (input.validTo === null) delete next.validity.to;
    else next.validity.to = input.validTo;
  }
  if (next.validity.to && next.validity.to < next.validity.from)
    throw new AdminError('invalid_metadata', `有效期至 ${next.validity.to} 早于生效日期 ${next.validity.from}`, 400);
  return next;
}

function describeChanges(before: ManifestEntry, after: ManifestEntry): string[] {
  const out: string[] = [];
  if (before.title !== after.title) out.push(`标题（${after.title}）`);
  if (before.shortTitle !== after.shortTitle) out.push(`简称（${after.shortTitle ?? '无'}）`);
  if (before.issuer !== after.issuer) out.push(`发布机关（${after.issuer}）`);
  if (before.issueDate !== after.issueDate) out.push(`发布日期（${after.issueDate ?? '无'}）`);
  if (before.validity.from !== after.validity.from) out.push(`生效日期（${after.validity.from}）`);
  if (before.validity.to !== after.validity.to) out.push(`有效期至（${after.validity.to ?? '长期'}）`);
  if (before.jurisdiction !== after.jurisdiction) out.push(`适用地区（${after.jurisdiction}）`);
  if (before.format !== after.format) out.push(`格式（${after.format ? FORMAT_NAMES[after.format] : '自动识别'}）`);
  return out;
}

/** An id for a new document: its file name when that is already an id, else the year and a hash of its text. */
function docIdFor(fileName: string, text: string, issueDate: string | undefined | null): string {
  const stem = path
    .basename(fileName, path.extname(fileName))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (stem.length >= 3 && /[a-z]/.test(stem) && stem.length <= 60) return stem;
  const year = issueDate?.slice(0, 4) ?? 'doc';
  return `doc-${year}-${createHash('sha256').update(text).digest('hex').slice(0, 6)}`;
}

/** A rules draft's summary even when it no longer checks (the problems are listed beside it). */
function parseRulesLoosely(text: string): RuleSet | undefined {
  try {
    return parseYaml(text) as RuleSet;
  } catch {
    return undefined;
  }
}

function summariseRuleSet(ruleSet: RuleSet | undefined, record: RulesDraftRecord): RuleSetSummary {
  return {
    id: ruleSet?.id ?? record.ruleSetId,
    docId: ruleSet?.docId ?? '',
    title: ruleSet?.title ?? record.title,
    validity: ruleSet?.validity ?? { from: '', to: '' },
    rules: (ruleSet?.rules ?? []).map((r) => ({ id: r.id, title: r.title, citation: r.citation, amountKind: r.amount?.kind ?? '' })),
    facts: (ruleSet?.facts ?? []).map((f) => ({
      id: f.id,
      type: f.type,
      label: f.label,
      question: f.question,
      ...(f.options ? { options: f.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
    })),
  };
}
