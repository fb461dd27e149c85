import { parseFrame, type Frame } from '../../../knowledge/rules/frames.js';
import type { FactDeclaration, Rule, RuleSet, Topic } from '../../../knowledge/rules/rules-schema.js';
import { factsOfRule } from '../../../knowledge/rules/rule-facts.js';

/**
 * What a knowledge base declares about how people speak of its awards, compiled once: the facts (with
 * the frames that state them), the topics (with the rules that answer them) and each rule's rule set.
 * Fact ids are shared across the base's rule sets only when they mean the same thing (checked here).
 */
export interface BaseTerms {
  facts: Map<string, CompiledFact>;
  /** Facts in conversation order (rule sets in file order, facts in declaration order). */
  factOrder: string[];
  topics: CompiledTopic[];
  /** Every rule by id, with its rule set. */
  rules: Map<string, { rule: Rule; ruleSet: RuleSet }>;
}

export interface CompiledFact {
  decl: FactDeclaration;
  /** enum: frames per option value, in declaration order. */
  options: { value: string; frames: Frame[]; replies: string[] }[];
  yes: Frame[];
  no: Frame[];
  /** money, integer, year: frames that tie a figure or a year to this fact. */
  cues: Frame[];
  excludes: Frame[];
  /** The rule sets that declare it. */
  ruleSets: string[];
}

export interface CompiledTopic {
  topic: Topic;
  ruleSet: RuleSet;
  frames: Frame[];
  /** Words that may mean this topic or another. */
  hints: Frame[];
  /** Facts only this topic's rules read (a stated investment points to the equipment subsidy). */
  ownFacts: Set<string>;
}

export class BaseTermsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaseTermsError';
  }
}

/** Two declarations of one fact id mean the same when their type and options agree. */
function sameMeaning(a: FactDeclaration, b: FactDeclaration): boolean {
  if (a.type !== b.type) return false;
  const values = (d: FactDeclaration) => (d.options ?? []).map((o) => o.value).join(',');
  return values(a) === values(b);
}

/** Compiles the understanding declared by a base's rule sets. Throws when two rule sets disagree on a fact id. */
export function compileBaseTerms(ruleSets: readonly RuleSet[]): BaseTerms {
  const facts = new Map<string, CompiledFact>();
  const factOrder: string[] = [];
  const rules = new Map<string, { rule: Rule; ruleSet: RuleSet }>();
  for (const ruleSet of ruleSets) {
    for (const decl of ruleSet.facts) {
      const known = facts.get(decl.id);
      if (known) {
        if (!sameMeaning(known.decl, decl)) {
          throw new BaseTermsError(
            `fact "${decl.id}" is declared by ${known.ruleSets.join(', ')} and ${ruleSet.id} with different meanings (type or options differ); give one of them another id`,
          );
        }
        known.ruleSets.push(ruleSet.id);
        continue;
      }
      const says = decl.says;
      facts.set(decl.id, {
        decl,
        options: (decl.options ?? []).map((o) => ({
          value: o.value,
          frames: (o.says ?? []).map(parseFrame),
          replies: [o.label, ...(o.aliases ?? [])],
        })),
        yes: says && !Array.isArray(says) ? (says.yes ?? []).map(parseFrame) : [],
        no: says && !Array.isArray(says) ? (says.no ?? []).map(parseFrame) : [],
        cues: Array.isArray(says) ? says.map(parseFrame) : [],
        excludes: (decl.excludes ?? []).map(parseFrame),
        ruleSets: [ruleSet.id],
      });
      factOrder.push(decl.id);
    }
    for (const rule of ruleSet.rules) {
      if (rules.has(rule.id)) throw new BaseTermsError(`rule id "${rule.id}" is used by two rule sets; rule ids are unique within a base`);
      rules.set(rule.id, { rule, ruleSet });
    }
  }

  const topics: CompiledTopic[] = ruleSets.flatMap((ruleSet) =>
    ruleSet.topics.map((topic) => ({
      topic,
      ruleSet,
      frames: topic.says.map(parseFrame),
      hints: (topic.hints ?? []).map(parseFrame),
      ownFacts: new Set<string>(),
    })),
  );
  // A fact read by the rules of exactly one topic points to that topic when a message states it.
  const topicsOfFact = new Map<string, Set<CompiledTopic>>();
  for (const t of topics) {
    for (const id of t.topic.rules) {
      const rule = rules.get(id)?.rule;
      if (!rule) continue;
      for (const fact of factsOfRule(rule)) {
        const set = topicsOfFact.get(fact) ?? new Set();
        set.add(t);
        topicsOfFact.set(fact, set);
      }
    }
  }
  for (const [fact, set] of topicsOfFact) if (set.size === 1) [...set][0]!.ownFacts.add(fact);
  return { facts, factOrder, topics, rules };
}
