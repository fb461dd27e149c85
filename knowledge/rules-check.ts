import { checkRuleConstants } from '../server/calculator/constants-check.js';
import { loadRuleSets } from '../server/calculator/load-rules.js';
import type { RuleSet } from '../server/calculator/rules-schema.js';
import type { KnowledgeBase } from './knowledge-base.js';

/**
 * Checks every award rule against the built clause index: the cited clause exists and every constant of
 * the rule (cap, fixed award, threshold, percentage) appears in its text. Returns readable violations;
 * the build and the service's start-up refuse to go on when there are any.
 */
export function validateRulesAgainstKnowledge(kb: KnowledgeBase, ruleSets: RuleSet[] = loadRuleSets()): string[] {
  return ruleSets.flatMap((ruleSet) =>
    checkRuleConstants(ruleSet, (docId, clauseId) => kb.getClause(docId, clauseId)).map(
      (v) => `${ruleSet.id} ${v.ruleId} ${v.path}: ${v.message}（${v.docId}:${v.clauseId}）`,
    ),
  );
}
