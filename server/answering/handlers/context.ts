import type { KnowledgeBase } from '../../../knowledge/knowledge-base.js';
import type { SearchHit } from '../../../knowledge/index/retriever.js';
import type { FactDeclaration } from '../../../knowledge/rules/rules-schema.js';
import type { Clause } from '../../../knowledge/types.js';
import type { RuleResult } from '../../calculator/engine.js';
import type { FactValue } from '../../calculator/facts.js';
import type { AnswerBody } from '../../schemas.js';
import type { Language } from '../language/language.js';
import type { BaseTerms, CompiledTopic } from '../understand/base-terms.js';
import type { MoneyIssue } from '../understand/read-facts.js';
import type { TextReading } from '../understand/understand.js';

/** A fact as the conversation knows it: its value and where it came from. */
export interface KnownFact {
  value: FactValue;
  /** The user's words that stated it, or the assumption printed for a default. */
  said: string;
  how: 'stated' | 'reply' | 'earlier' | 'default' | 'hypothetical';
}

/** Everything a handler reads; handlers are pure functions of it (plus the search they may run). */
export interface TurnContext {
  knowledge: KnowledgeBase;
  terms: BaseTerms;
  decls: ReadonlyMap<string, FactDeclaration>;
  lang: Language;
  reading: TextReading;
  /** Facts for this question: the conversation's, this message's, and its hypotheses. */
  facts: ReadonlyMap<string, KnownFact>;
  /** Facts this message stated (not the earlier ones). */
  newFacts: ReadonlySet<string>;
  issues: readonly MoneyIssue[];
  /** Topics this question is about (this message's, or the conversation's for a follow-up). */
  topics: readonly CompiledTopic[];
  /** This message named the topics itself. */
  topicsNamed: boolean;
  /** Topics the message only hints at (several: the advisor asks which). */
  hinted: readonly CompiledTopic[];
  /** The message answered the question asked last. */
  answeredPending: boolean;
  /** Money the company said it received, by award topic (区里给了10万 about a recognition), this conversation. */
  received: ReadonlyMap<string, number>;
  asOf: string;
  hotline: string;
  /** The assistant's name for the base (e.g. 某某政策咨询助手). */
  assistantName: string;
  search(text: string, options: { preferAmounts: boolean }): SearchHit[] | Promise<SearchHit[]>;
}

/** What a handler returns; the advisor adds the ids, checks every amount and saves the conversation. */
export interface Reply {
  kind: AnswerBody['kind'];
  /** For logs and metrics: the handler and its outcome (calculation, clarify:missing-fact, lookup:reference…). */
  intent: string;
  /** What a person reads first: the direct answer, then the one condition or question that matters most. */
  answer: string;
  /** The formula, every condition checked, every assumption, the facts used and their source, validity. */
  details: string;
  citations: Clause[];
  calculations: RuleResult[];
  totalYuan?: number;
  followUp?: string[];
  /** The fact asked for: the next message may answer it. */
  pending?: string;
  /** Topic ids to remember for follow-ups; undefined keeps the conversation's. */
  topics?: string[];
  /** Clause ids retrieved (for the evaluation's retrieval metrics). */
  retrieved?: string[];
}
