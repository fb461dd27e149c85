/** The award calculator: rules as data (knowledge/rules/*.yaml), exact integer amounts, every figure cited. */
export {
  evaluateRules,
  matchPolicies,
  describeCalculatorInputs,
  percentOfFloor,
  type CalculationReport,
  type ConditionResult,
  type EvaluateOptions,
  type FollowUpQuestion,
  type MatchReport,
  type RuleResult,
  type RuleStatus,
} from './engine.js';
export { coerceFact, coerceFacts, describeFacts, type FactDescription, type FactInput, type FactValue, type InvalidFact } from './facts.js';
export {
  loadRuleSets,
  loadRuleSetFile,
  parseRuleSet,
  RulesFileError,
  type RulesErrorCode,
  type RulesIssue,
} from '../../knowledge/rules/load-rules.js';
export { checkRuleConstants, type ClauseLookup, type ConstantViolation } from '../../knowledge/rules/constants-check.js';
export type { Citation, FactDeclaration, Rule, RuleSet, Condition, Amount } from '../../knowledge/rules/rules-schema.js';
