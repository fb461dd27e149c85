import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { checkRuleConstants, type ClauseLookup, type ConstantViolation } from '../rules/constants-check.js';
import { parseRuleSet, RulesFileError, type RulesErrorCode } from '../rules/load-rules.js';
import type { FactDeclaration, RuleSet } from '../rules/rules-schema.js';
import { AdminError, describeIssues, type AdminIssue } from './errors.js';

/**
 * An award rules file checked before it is published, every problem placed on its line: YAML syntax and the
 * rules schema (the loader's own checks), a document of this base to cite, fact ids that mean the same as in
 * the base's other rule sets, and every constant found in the text of the clause its rule cites.
 */

const CODE_NAMES: Readonly<Record<RulesErrorCode, string>> = {
  RULES_READ_FAILED: '无法读取',
  RULES_YAML_SYNTAX: 'YAML 语法错误',
  RULES_SCHEMA: '不符合规则格式',
  RULES_UNKNOWN_FACT: '未声明的企业情况（fact）',
  RULES_UNKNOWN_OPTION: '不存在的选项',
  RULES_UNKNOWN_RULE: '不存在的规则',
  RULES_TYPE_MISMATCH: '类型不符',
  RULES_DUPLICATE_ID: '编号重复',
  RULES_FILE_NAME: '文件名与编号不符',
};

const CONSTANT_NAMES: Readonly<Record<ConstantViolation['kind'], string>> = {
  cap: '封顶金额',
  fixed: '定额奖补',
  award: '分级金额',
  threshold: '门槛',
  percent: '比例',
  count: '名额',
  band: '分档',
  date: '日期',
  clause: '所引条款',
  quote: '引文',
};

export interface RulesContext {
  /** The base's published documents, which a rule set may cite. */
  documents: readonly { id: string; title: string }[];
  /** The clauses of the running knowledge, to check constants against. */
  getClause: ClauseLookup;
  /** The base's other published rule sets (one with the same id is replaced, so not compared). */
  ruleSets: readonly RuleSet[];
}

/** Keys of a formatted path (rules[0].amount.capYuan → rules, 0, amount, capYuan). */
function keysOf(pathText: string): (string | number)[] {
  return [...pathText.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/**
 * Locates paths of a YAML text on their lines: a mapping key where its key is written (a misspelt field is
 * found on its own line, not on the first line of its value), a list item where it starts, and the nearest
 * existing parent when a key is missing.
 */
export function lineFinder(text: string): (pathText: string) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lineAt = (range: readonly number[] | null | undefined) => (range ? lineCounter.linePos(range[0]!).line : undefined);
  return (pathText) => {
    const keys = keysOf(pathText);
    for (let n = keys.length; n >= 1; n--) {
      const parent: unknown = n === 1 ? doc.contents : doc.getIn(keys.slice(0, n - 1), true);
      const last = keys[n - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
        const line = pair && isScalar(pair.key) ? lineAt(pair.key.range) : undefined;
        if (line !== undefined) return line;
      } else if (isSeq(parent) && typeof last === 'number') {
        const item = parent.items[last] as { range?: number[] } | undefined;
        const line = lineAt(item?.range);
        if (line !== undefined) return line;
      }
    }
    return lineAt((doc.contents as { range?: number[] } | null)?.range);
  };
}

function sameMeaning(a: FactDeclaration, b: FactDeclaration): boolean {
  const values = (d: FactDeclaration) => (d.options ?? []).map((o) => o.value).join(',');
  return a.type === b.type && values(a) === values(b);
}

/** Parses and checks a rules file's text; throws AdminError (422) listing every problem with its line. */
export function checkRulesText(fileName: string, text: string, context: RulesContext): RuleSet {
  let ruleSet: RuleSet;
  try {
    ruleSet = parseRuleSet(text, fileName);
  } catch (error) {
    if (!(error instanceof RulesFileError)) throw error;
    // Syntax errors come with their line; a schema error's path is placed again, on its key's own line.
    const find = error.code === 'RULES_YAML_SYNTAX' ? undefined : lineFinder(text);
    const issues = error.issues.map((i) => {
      const line = (i.path && find ? find(i.path) : undefined) ?? i.line;
      return {
        ...(line !== undefined ? { line } : {}),
        ...(i.path ? { path: i.path } : {}),
        message: `${CODE_NAMES[i.code]}：${i.problem}`,
      };
    });
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new AdminError('rules_invalid', `奖补规则文件 ${fileName} 有 ${issues.length} 处错误：${describeIssues(issues)}`, 422, issues);
  }
  const lineOf = lineFinder(text);
  const at = (pathText: string, message: string): AdminIssue => {
    const line = lineOf(pathText);
    return { ...(line !== undefined ? { line } : {}), path: pathText, message };
  };
  const issues: AdminIssue[] = [];

  if (!context.documents.some((d) => d.id === ruleSet.docId)) {
    issues.push(
      at(
        'docId',
        `引用的文件 ${ruleSet.docId} 不是本知识库已发布的文件（已发布：${context.documents.map((d) => `${d.id}《${d.title}》`).join('、')}）；请先上传并发布该文件`,
      ),
    );
  }
  for (const [i, fact] of ruleSet.facts.entries()) {
    for (const other of context.ruleSets) {
      if (other.id === ruleSet.id) continue;
      const known = other.facts.find((f) => f.id === fact.id);
      if (known && !sameMeaning(known, fact))
        issues.push(
          at(
            `facts[${i}].id`,
            `企业情况 ${fact.id} 在规则 ${other.id} 中含义不同（类型或选项不同），同一知识库中同名即同义：请改用其他编号`,
          ),
        );
    }
  }
  if (issues.length === 0) {
    for (const v of checkRuleConstants(ruleSet, context.getClause)) {
      const what =
        v.kind === 'clause'
          ? `所引条款 ${v.docId}#${v.clauseId} 不存在`
          : v.kind === 'quote'
            ? `引文不在所引条款 ${v.docId}#${v.clauseId} 的原文中`
            : `${CONSTANT_NAMES[v.kind]} ${String(v.value)} 不在所引条款 ${v.docId}#${v.clauseId} 的原文中`;
      issues.push(at(v.path, `${what}（规则 ${v.ruleId}）`));
    }
  }
  if (issues.length > 0) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new AdminError('rules_invalid', `奖补规则文件 ${fileName} 有 ${issues.length} 处错误：${describeIssues(issues)}`, 422, issues);
  }
  return ruleSet;
}
