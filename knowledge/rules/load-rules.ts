import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { RuleSetSchema, type Condition, type FactDeclaration, type RuleSet } from './rules-schema.js';

export type RulesErrorCode =
  | 'RULES_READ_FAILED'
  | 'RULES_YAML_SYNTAX'
  | 'RULES_SCHEMA'
  | 'RULES_UNKNOWN_FACT'
  | 'RULES_UNKNOWN_OPTION'
  | 'RULES_UNKNOWN_RULE'
  | 'RULES_TYPE_MISMATCH'
  | 'RULES_DUPLICATE_ID'
  | 'RULES_FILE_NAME';

export interface RulesIssue {
  code: RulesErrorCode;
  /** Path inside the file, e.g. `rules[0].citation.clauseId`; empty for the whole file. */
  path: string;
  problem: string;
  /** 1-based line in the file, when the YAML node (or its nearest parent) could be located. */
  line?: number;
}

/**
 * A rules file that cannot be used. The message names the file, the place in it and what is wrong, so the
 * build log alone is enough to fix it; `issues` lists every problem found, the first one is in `code`/`path`.
 */
export class RulesFileError extends Error {
  readonly code: RulesErrorCode;
  readonly file: string;
  readonly path: string;
  readonly problem: string;
  readonly line: number | undefined;
  readonly issues: RulesIssue[];

  constructor(file: string, issues: RulesIssue[]) {
    const first = issues[0] ?? { code: 'RULES_SCHEMA' as const, path: '', problem: 'invalid rules file' };
    const lines = issues.map((i) => `  ${formatLocation(file, i)}: ${i.problem}`);
    super(`Invalid rules file ${displayPath(file)}:\n${lines.join('\n')}`);
    this.name = 'RulesFileError';
    this.code = first.code;
    this.file = file;
    this.path = first.path;
    this.problem = first.problem;
    this.line = first.line;
    this.issues = issues;
  }
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function formatLocation(file: string, issue: RulesIssue): string {
  const where = `${displayPath(file)}${issue.line !== undefined ? `:${issue.line}` : ''}`;
  return issue.path ? `${where} ${issue.path}` : where;
}

type PathKey = string | number;

export function formatPath(keys: readonly PathKey[]): string {
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** The line of the node at `keys`, or of its nearest existing parent (a missing field is reported where it belongs). */
function lineOf(doc: Document, lineCounter: LineCounter, keys: readonly PathKey[]): number | undefined {
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function describeZodIssue(issue: z.core.$ZodIssue): { keys: PathKey[]; problem: string } {
  const keys = issue.path.filter((k): k is PathKey => typeof k === 'string' || typeof k === 'number');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return { keys: [...keys, key], problem: `unknown field "${issue.keys.join('", "')}" (misspelt?)` };
  }
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
    const name = keys.at(-1);
    return {
      keys,
      problem: `missing required field${name !== undefined ? ` "${name}"` : ''} (expected ${issue.expected})`,
    };
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && issue.errors.length === 0) {
    const allowed = 'options' in issue && issue.options ? ` (expected one of: ${issue.options.join(', ')})` : '';
    return { keys, problem: `unknown or missing "${issue.discriminator}"${allowed}` };
  }
  return { keys, problem: issue.message };
}

const OPS_BY_TYPE: Record<FactDeclaration['type'], readonly Condition['op'][]> = {
  enum: ['in', 'equals'],
  boolean: ['in', 'equals'],
  money: ['equals', 'gt', 'gte', 'lt', 'lte'],
  integer: ['equals', 'gt', 'gte', 'lt', 'lte'],
  year: ['equals', 'gt', 'gte', 'lt', 'lte', 'yearWithinValidity'],
  date: ['equals', 'gt', 'gte', 'lt', 'lte'],
};

/** Checks what zod cannot see: references between facts and rules, and ids that must be unique. */
export function checkRuleSetReferences(ruleSet: RuleSet): { keys: PathKey[]; code: RulesErrorCode; problem: string }[] {
  const issues: { keys: PathKey[]; code: RulesErrorCode; problem: string }[] = [];
  const decls = new Map<string, FactDeclaration>();
  ruleSet.facts.forEach((fact, i) => {
    if (decls.has(fact.id)) {
      issues.push({ keys: ['facts', i, 'id'], code: 'RULES_DUPLICATE_ID', problem: `fact "${fact.id}" is declared twice` });
    }
    decls.set(fact.id, fact);
    if (fact.type === 'enum' && !fact.options) {
      issues.push({ keys: ['facts', i, 'options'], code: 'RULES_SCHEMA', problem: `enum fact "${fact.id}" needs options` });
    }
    if (fact.type !== 'enum' && fact.options) {
      issues.push({
        keys: ['facts', i, 'options'],
        code: 'RULES_SCHEMA',
        problem: `options are only allowed on enum facts, "${fact.id}" is ${fact.type}`,
      });
    }
    const values = new Set<string>();
    fact.options?.forEach((o, j) => {
      if (values.has(o.value)) {
        issues.push({
          keys: ['facts', i, 'options', j, 'value'],
          code: 'RULES_DUPLICATE_ID',
          problem: `option "${o.value}" of fact "${fact.id}" is listed twice`,
        });
      }
      values.add(o.value);
    });
  });

  ruleSet.facts.forEach((fact, i) => {
    const keys: PathKey[] = ['facts', i];
    const objectForm = fact.says !== undefined && !Array.isArray(fact.says);
    if (fact.type === 'boolean' && fact.says !== undefined && !objectForm) {
      issues.push({ keys: [...keys, 'says'], code: 'RULES_SCHEMA', problem: `boolean fact "${fact.id}" says with yes: and no: frames` });
    }
    if (fact.type !== 'boolean' && objectForm) {
      issues.push({
        keys: [...keys, 'says'],
        code: 'RULES_SCHEMA',
        problem: `yes:/no: frames are for boolean facts, "${fact.id}" is ${fact.type}`,
      });
    }
    if (fact.type === 'enum' && fact.says !== undefined) {
      issues.push({
        keys: [...keys, 'says'],
        code: 'RULES_SCHEMA',
        problem: `enum fact "${fact.id}" states its options with options[].says`,
      });
    }
    for (const field of ['excludes', 'taxBasis'] as const) {
      if (fact[field] !== undefined && fact.type !== 'money' && !(field === 'excludes' && fact.type === 'integer')) {
        issues.push({
          keys: [...keys, field],
          code: 'RULES_SCHEMA',
          problem: `${field} applies to money facts, "${fact.id}" is ${fact.type}`,
        });
      }
    }
  });

  const isOption = (decl: FactDeclaration, v: unknown) => decl.options?.some((o) => o.value === v) ?? false;
  const checkValue = (decl: FactDeclaration, v: unknown, keys: PathKey[]) => {
    if (decl.type === 'enum') {
      if (!isOption(decl, v)) {
        issues.push({
          keys,
          code: 'RULES_UNKNOWN_OPTION',
          problem: `"${String(v)}" is not an option of fact "${decl.id}" (options: ${decl.options?.map((o) => o.value).join(', ')})`,
        });
      }
    } else if (decl.type === 'boolean' ? typeof v !== 'boolean' : decl.type === 'date' ? typeof v !== 'string' : typeof v !== 'number') {
      issues.push({
        keys,
        code: 'RULES_TYPE_MISMATCH',
        problem: `fact "${decl.id}" is ${decl.type}, the value ${JSON.stringify(v)} is not`,
      });
    }
  };
  const known = (factId: string, keys: PathKey[]): FactDeclaration | undefined => {
    const decl = decls.get(factId);
    if (!decl) {
      issues.push({
        keys,
        code: 'RULES_UNKNOWN_FACT',
        problem: `unknown fact "${factId}": declare it under facts (declared: ${[...decls.keys()].join(', ')})`,
      });
    }
    return decl;
  };

  ruleSet.facts.forEach((fact, i) => {
    if (fact.default) checkValue(fact, fact.default.value, ['facts', i, 'default', 'value']);
    if (fact.about) {
      const target = known(fact.about.fact, ['facts', i, 'about', 'fact']);
      if (target) checkValue(target, fact.about.value, ['facts', i, 'about', 'value']);
      if (fact.type !== 'year')
        issues.push({
          keys: ['facts', i, 'about'],
          code: 'RULES_SCHEMA',
          problem: `about applies to year facts, "${fact.id}" is ${fact.type}`,
        });
    }
  });

  const ruleIds = new Set<string>();
  ruleSet.rules.forEach((rule, i) => {
    if (ruleIds.has(rule.id)) {
      issues.push({ keys: ['rules', i, 'id'], code: 'RULES_DUPLICATE_ID', problem: `rule "${rule.id}" is defined twice` });
    }
    ruleIds.add(rule.id);
    rule.conditions.forEach((cond, j) => {
      const keys: PathKey[] = ['rules', i, 'conditions', j];
      const decl = known(cond.fact, [...keys, 'fact']);
      if (!decl) return;
      if (!OPS_BY_TYPE[decl.type].includes(cond.op)) {
        issues.push({
          keys: [...keys, 'op'],
          code: 'RULES_TYPE_MISMATCH',
          problem: `op "${cond.op}" does not apply to ${decl.type} fact "${decl.id}" (allowed: ${OPS_BY_TYPE[decl.type].join(', ')})`,
        });
        return;
      }
      if (cond.op === 'in') cond.values.forEach((v, k) => checkValue(decl, v, [...keys, 'values', k]));
      else if (cond.op !== 'yearWithinValidity') checkValue(decl, cond.value, [...keys, 'value']);
    });
    const amount = rule.amount;
    if (amount.kind === 'percentOf') {
      const decl = known(amount.fact, ['rules', i, 'amount', 'fact']);
      if (decl && decl.type !== 'money') {
        issues.push({
          keys: ['rules', i, 'amount', 'fact'],
          code: 'RULES_TYPE_MISMATCH',
          problem: `percentOf needs a money fact, "${decl.id}" is ${decl.type}`,
        });
      }
    }
    if (amount.kind === 'byFact') {
      const decl = known(amount.fact, ['rules', i, 'amount', 'fact']);
      if (decl && decl.type !== 'enum') {
        issues.push({
          keys: ['rules', i, 'amount', 'fact'],
          code: 'RULES_TYPE_MISMATCH',
          problem: `byFact needs an enum fact, "${decl.id}" is ${decl.type}`,
        });
      } else if (decl) {
        for (const key of Object.keys(amount.table)) {
          if (!isOption(decl, key)) {
            issues.push({
              keys: ['rules', i, 'amount', 'table', key],
              code: 'RULES_UNKNOWN_OPTION',
              problem: `"${key}" is not an option of fact "${decl.id}"`,
            });
          }
        }
      }
    }
    const needType = (factId: string, path: PathKey[], types: readonly FactDeclaration['type'][], what: string) => {
      const decl = known(factId, path);
      if (decl && !types.includes(decl.type)) {
        issues.push({
          keys: path,
          code: 'RULES_TYPE_MISMATCH',
          problem: `${what} needs a ${types.join(' or ')} fact, "${decl.id}" is ${decl.type}`,
        });
        return undefined;
      }
      return decl;
    };
    const needOptions = (decl: FactDeclaration | undefined, keysOf: string[], path: PathKey[]) => {
      for (const key of keysOf) {
        if (decl && !isOption(decl, key))
          issues.push({ keys: [...path, key], code: 'RULES_UNKNOWN_OPTION', problem: `"${key}" is not an option of fact "${decl.id}"` });
      }
    };
    if (amount.kind === 'bands') {
      needType(amount.fact, ['rules', i, 'amount', 'fact'], ['money', 'integer'], 'bands');
      // Bands must not overlap: a figure belongs to one band at most.
      amount.bands.forEach((band, k) => {
        const next = amount.bands[k + 1];
        if (next && (band.to === undefined || band.to > next.from || (band.to === next.from && band.toInclusive && !next.fromExclusive))) {
          issues.push({ keys: ['rules', i, 'amount', 'bands', k + 1], code: 'RULES_SCHEMA', problem: 'bands overlap or are out of order' });
        }
      });
      if (amount.rateBy)
        needOptions(
          needType(amount.rateBy.fact, ['rules', i, 'amount', 'rateBy', 'fact'], ['enum'], 'rateBy'),
          Object.keys(amount.rateBy.rates),
          ['rules', i, 'amount', 'rateBy', 'rates'],
        );
      amount.bonusPoints?.forEach((bonus, k) => {
        const path: PathKey[] = ['rules', i, 'amount', 'bonusPoints', k];
        const decl = needType(bonus.fact, [...path, 'fact'], bonus.table ? ['enum'] : ['enum', 'boolean'], 'a bonus');
        if (bonus.table) needOptions(decl, Object.keys(bonus.table), [...path, 'table']);
        else if (decl) checkValue(decl, bonus.value ?? true, [...path, 'value']);
      });
    }
    if (amount.kind === 'perUnit') {
      needType(amount.fact, ['rules', i, 'amount', 'fact'], amount.unitYuan !== undefined ? ['money'] : ['integer', 'money'], 'perUnit');
      if ([amount.yuan, amount.byDate, amount.shareOf].filter((x) => x !== undefined).length !== 1) {
        issues.push({
          keys: ['rules', i, 'amount'],
          code: 'RULES_SCHEMA',
          problem: 'perUnit pays one of `yuan` per unit, `byDate` or `shareOf`',
        });
      }
      if (amount.byDate) needType(amount.byDate.fact, ['rules', i, 'amount', 'byDate', 'fact'], ['date'], 'byDate');
      if (amount.shareOf) needType(amount.shareOf.fact, ['rules', i, 'amount', 'shareOf', 'fact'], ['money'], 'shareOf');
      if (amount.actualRate) needType(amount.actualRate, ['rules', i, 'amount', 'actualRate'], ['money'], 'actualRate');
      if (amount.unitCapBy) {
        const path: PathKey[] = ['rules', i, 'amount', 'unitCapBy'];
        needOptions(needType(amount.unitCapBy.fact, [...path, 'fact'], ['enum'], 'unitCapBy'), Object.keys(amount.unitCapBy.table), [
          ...path,
          'table',
        ]);
      }
      amount.times?.forEach((id, k) => needType(id, ['rules', i, 'amount', 'times', k], ['integer'], 'times'));
    }
    if (amount.kind === 'staged') {
      needOptions(
        needType(amount.fact, ['rules', i, 'amount', 'fact'], ['enum'], 'staged'),
        amount.stages.map((st) => st.value),
        ['rules', i, 'amount', 'stages'],
      );
    }
    if (rule.exclusivity?.yearFact) needType(rule.exclusivity.yearFact, ['rules', i, 'exclusivity', 'yearFact'], ['year'], 'yearFact');
  });
  const inTopic = new Set<string>();
  const topicIds = new Set<string>();
  ruleSet.topics.forEach((topic, i) => {
    if (topicIds.has(topic.id))
      issues.push({ keys: ['topics', i, 'id'], code: 'RULES_DUPLICATE_ID', problem: `topic "${topic.id}" is defined twice` });
    topicIds.add(topic.id);
    topic.rules.forEach((id, j) => {
      inTopic.add(id);
      if (!ruleIds.has(id)) issues.push({ keys: ['topics', i, 'rules', j], code: 'RULES_UNKNOWN_RULE', problem: `unknown rule "${id}"` });
    });
  });
  ruleSet.rules.forEach((rule, i) => {
    if (!inTopic.has(rule.id)) {
      issues.push({
        keys: ['rules', i, 'id'],
        code: 'RULES_UNKNOWN_RULE',
        problem: `rule "${rule.id}" is in no topic: no question could reach it`,
      });
    }
  });
  return issues;
}

/** Parses and validates one rules file's text. `file` is used in error messages only. */
export function parseRuleSet(source: string, file: string): RuleSet {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RulesFileError(
      file,
      doc.errors.map((e) => ({
        code: 'RULES_YAML_SYNTAX' as const,
        path: '',
        problem: e.message.split('\n')[0] ?? e.message,
        line: lineCounter.linePos(e.pos[0]).line,
      })),
    );
  }
  const toIssue = (keys: PathKey[], code: RulesErrorCode, problem: string): RulesIssue => {
    const line = lineOf(doc, lineCounter, keys);
    return { code, path: formatPath(keys), problem, ...(line !== undefined ? { line } : {}) };
  };
  const parsed = RuleSetSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new RulesFileError(
      file,
      parsed.error.issues.map((issue) => {
        const { keys, problem } = describeZodIssue(issue);
        return toIssue(keys, 'RULES_SCHEMA', problem);
      }),
    );
  }
  const referenceIssues = checkRuleSetReferences(parsed.data);
  if (referenceIssues.length > 0) {
    throw new RulesFileError(
      file,
      referenceIssues.map((i) => toIssue(i.keys, i.code, i.problem)),
    );
  }
  return parsed.data;
}

/** Reads one `<policy-id>.yaml`; the file name must be the rule set's id. */
export function loadRuleSetFile(file: string): RuleSet {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RulesFileError(file, [{ code: 'RULES_READ_FAILED', path: '', problem: `cannot read: ${(error as Error).message}` }]);
  }
  const ruleSet = parseRuleSet(source, file);
  const expected = path.basename(file).replace(/\.ya?ml$/, '');
  if (ruleSet.id !== expected) {
    throw new RulesFileError(file, [
      { code: 'RULES_FILE_NAME', path: 'id', problem: `id "${ruleSet.id}" must match the file name "${expected}"` },
    ]);
  }
  return ruleSet;
}

/** Loads every `*.yaml` rule set in `dir` (a base's `rules/`), in file-name order. Throws `RulesFileError` on the first bad file. */
export function loadRuleSets(dir: string): RuleSet[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch (error) {
    throw new RulesFileError(dir, [
      { code: 'RULES_READ_FAILED', path: '', problem: `cannot read rules directory: ${(error as Error).message}` },
    ]);
  }
  const seen = new Map<string, string>();
  return names.map((name) => {
    const file = path.join(dir, name);
    const ruleSet = loadRuleSetFile(file);
    const other = seen.get(ruleSet.id);
    if (other) {
      throw new RulesFileError(file, [
        { code: 'RULES_DUPLICATE_ID', path: 'id', problem: `rule set "${ruleSet.id}" is also defined in ${other}` },
      ]);
    }
    seen.set(ruleSet.id, name);
    return ruleSet;
  });
}
