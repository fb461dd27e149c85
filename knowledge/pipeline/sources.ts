import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KnowledgeError } from '../errors.js';
import type { BaseFolder } from '../base-folder.js';
import type { CleaningReport, DocumentMeta, PolicyDocument } from '../types.js';
import { cleanLawMarkdown, cleanPlainText, cleanPolicyPage, parseErrata, type Errata } from './clean.js';
import { guessFormat, type DocumentFormat } from './format.js';
import { loadManifest, type ManifestEntry } from './manifest.js';
import { parseLaw, parsePlan } from './parse.js';

export interface LoadedSources {
  documents: PolicyDocument[];
  reports: CleaningReport[];
  /** Names people use for each document, for routing a question to it. */
  aliases: Map<string, string[]>;
  primaryDocId: string;
  /** sha256 over every input file, so a stale build can be detected. */
  inputsHash: string;
  /** How the advisor names itself for this base. */
  assistantName: string;
  /** The base's sample questions and search terms, for the console (empty when the manifest has none). */
  examples: { questions: string[]; searchTerms: string[] };
}

/** Cleans and parses one document described by a manifest entry. */
export function loadDocument(entry: ManifestEntry, sourcesDir: string): { document: PolicyDocument; report: CleaningReport } {
  const file = path.join(sourcesDir, entry.file);
  if (!existsSync(file)) throw new KnowledgeError('source_missing', `${entry.id}: source file not found: ${file}`);
  const raw = readFileSync(file, 'utf8');
  const errata = entry.errata
    ? parseErrata(readFileSync(path.join(sourcesDir, entry.errata), 'utf8'), path.join(sourcesDir, entry.errata))
    : undefined;
  return readDocument(entry, raw, errata);
}

/** Cleans and parses a document's text in its format (the manifest's, else the guessed one). */
export function readDocument(entry: ManifestEntry, raw: string, errata?: Errata): { document: PolicyDocument; report: CleaningReport } {
  const format: DocumentFormat = entry.format ?? guessFormat(raw).format;
  const meta: DocumentMeta = {
    id: entry.id,
    title: entry.title,
    shortTitle: entry.shortTitle,
    issuer: entry.issuer,
    ...(entry.issueDate ? { issueDate: entry.issueDate } : {}),
    validity: entry.validity,
    jurisdiction: entry.jurisdiction,
    format,
  };
  const options = { docId: entry.id, ...(errata ? { errata } : {}) };
  switch (format) {
    case 'plan-web-page': {
      const cleaned = cleanPolicyPage(raw, options);
      if (cleaned.applicationWindow) meta.applicationWindow = cleaned.applicationWindow;
      return { document: { meta, clauses: parsePlan(cleaned.lines, meta) }, report: cleaned.report };
    }
    case 'plan-text': {
      const cleaned = cleanPlainText(raw, options);
      return { document: { meta, clauses: parsePlan(cleaned.lines, meta) }, report: cleaned.report };
    }
    case 'law-markdown': {
      const cleaned = cleanLawMarkdown(raw, options);
      return { document: { meta, clauses: parseLaw(cleaned.lines, entry.id).clauses }, report: cleaned.report };
    }
    case 'law-text': {
      const cleaned = cleanPlainText(raw, options);
      return { document: { meta, clauses: parseLaw(cleaned.lines, entry.id).clauses }, report: cleaned.report };
    }
  }
}

/** Every input the build depends on, hashed; `extra` adds what else should invalidate it (code version, embedder). */
export function hashInputs(base: BaseFolder, entries: ManifestEntry[], extra: string[]): string {
  const hash = createHash('sha256');
  const files = [
    base.manifestFile,
    base.lexiconFile,
    ...entries.flatMap((e) => [e.file, ...(e.errata ? [e.errata] : [])]).map((name) => path.join(base.sourcesDir, name)),
  ];
  for (const file of files) {
    hash.update(path.relative(base.dir, file)).update('\0');
    if (existsSync(file)) hash.update(readFileSync(file));
    hash.update('\0');
  }
  for (const value of extra) hash.update(value).update('\0');
  return hash.digest('hex');
}

/** Reads a base's manifest and turns every listed source into clean, parsed documents. */
export function loadSources(base: BaseFolder, extraHashInputs: string[] = []): LoadedSources {
  const manifest = loadManifest(base.manifestFile);
  const sourcesDir = base.sourcesDir;
  const documents: PolicyDocument[] = [];
  const reports: CleaningReport[] = [];
  const aliases = new Map<string, string[]>();
  for (const entry of manifest.documents) {
    const { document, report } = loadDocument(entry, sourcesDir);
    documents.push(document);
    reports.push(report);
    aliases.set(entry.id, [entry.title, ...(entry.shortTitle ? [entry.shortTitle] : []), ...entry.aliases]);
  }
  const primary = manifest.documents.find((d) => d.primary) ?? manifest.documents[0]!;
  return {
    documents,
    reports,
    aliases,
    primaryDocId: primary.id,
    inputsHash: hashInputs(base, manifest.documents, extraHashInputs),
    assistantName: manifest.assistant?.name ?? '政策咨询助手',
    examples: { questions: manifest.assistant?.examples ?? [], searchTerms: manifest.assistant?.searchTerms ?? [] },
  };
}
