import type { DocumentFormat } from './pipeline/format.js';
/**
 * The shapes the knowledge base hands to the rest of the product.
 * Ids are stable across rebuilds: a clause id is derived from the document's own numbering.
 */

/** Where a document applies, as written (郑州市, 河南省, 全国, 温州市鹿城区). */
export type Jurisdiction = string;

export interface ValidityWindow {
  /** ISO date the document takes effect. */
  from: string;
  /** ISO date of the last day it is valid; absent for laws without an end. */
  to?: string;
}

export interface DocumentMeta {
  id: string;
  title: string;
  shortTitle?: string;
  issuer: string;
  /** Absent when the source prints no date. */
  issueDate?: string;
  validity: ValidityWindow;
  /** Application window printed on the source page, kept as metadata (not policy text). */
  applicationWindow?: ValidityWindow;
  jurisdiction: Jurisdiction;
  format: DocumentFormat;
}

/**
 * Clause kinds. Plan: preamble, section/subsection bodies, numbered items, closing sentence.
 * Law: preamble and articles.
 */
/** `annex`: a point of the closing provisions (附则), named `annex-<n>`. */
export type ClauseKind = 'preamble' | 'intro' | 'section' | 'subsection' | 'item' | 'closing' | 'article' | 'annex';

export interface Clause {
  /** Stable id within its document: `item-19`, `sec-2`, `sec-4-1`, `art-19`, `preamble`, `closing`. */
  id: string;
  docId: string;
  kind: ClauseKind;
  /** The label people use: `三（七）19`, `四（二）`, `第19条`. */
  label: string;
  /** Other ways people refer to it: `第19条`, `第十九条`, `第19项`. */
  aliases: string[];
  /** Section path from the document root, e.g. ['三、主要任务', '（七）强化要素保障']. */
  path: string[];
  /** The heading sentence (e.g. 支持企业加大研发投入), or the section title. */
  heading: string;
  /** Verbatim cleaned clause text (includes the heading sentence for items). */
  text: string;
  /** Parsed from （责任单位：…）, in order. */
  responsibleUnits: string[];
  /** Every money amount the clause mentions, in integer yuan, in order of appearance. */
  amountsYuan: number[];
  /** Position in the document, for neighbours. */
  order: number;
}

export interface PolicyDocument {
  meta: DocumentMeta;
  clauses: Clause[];
}

/** A span the cleaner could not repair, reported and possibly fixed by an errata file. */
export interface CleaningIssue {
  docId: string;
  kind: 'mojibake' | 'unknown-character' | 'unconverted-traditional';
  span: string;
  context: string;
  fixedBy?: string;
}

export interface CleaningReport {
  docId: string;
  removed: { kind: string; text: string }[];
  rubyAnnotationsStripped: number;
  issues: CleaningIssue[];
}
