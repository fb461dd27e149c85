/**
 * Knowledge base command line (KNOWLEDGE_BASE or --base selects the base):
 *   npm run knowledge:build                 build (or rebuild) the index under the base's dist/
 *   npm run knowledge:search -- "问题" [-k 5] top hits with label, score and text
 *   npm run knowledge:report                data-quality report of the cleaning and parsing
 *   npm run knowledge:add -- <file> [--title … --issuer … --date … --valid-from … --valid-to … --jurisdiction …
 *                            --id … --format … --dry-run]
 *                                           add a policy (.txt .md .html .docx .pdf) or award rules (.yaml) and rebuild
 *   npm run knowledge:rollback [-- --list]  undo the last change to the base (or list its history)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { AdminError } from './admin/errors.js';
import { KnowledgeAdmin, type MetadataInput, type Rebuild } from './admin/base-admin.js';
import { ACTION_NAMES } from './admin/history.js';
import { previewLines } from './admin/report-text.js';
import { resolveBaseFolder, type BaseFolder } from './base-folder.js';
import { KnowledgeError } from './errors.js';
import { openKnowledgeBase, type KnowledgeBase } from './knowledge-base.js';
import type { DocumentFormat } from './pipeline/format.js';

const [command = 'help', ...args] = process.argv.slice(2);

/** Options that take a value; everything else that does not start with -- is the file. */
const VALUED = new Set([
  '-k',
  '--base',
  '--title',
  '--short-title',
  '--issuer',
  '--date',
  '--valid-from',
  '--valid-to',
  '--jurisdiction',
  '--id',
  '--format',
  '--by',
]);

function option(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function positional(): string[] {
  return args.filter((a, i) => !a.startsWith('-') && !VALUED.has(args[i - 1] ?? ''));
}

let baseFolder: BaseFolder | undefined;
function base(): BaseFolder {
  baseFolder ??= resolveBaseFolder(option('--base'));
  return baseFolder;
}

async function open(rebuild: 'always' | 'if-stale'): Promise<KnowledgeBase> {
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {value}/{total}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const kb = await openKnowledgeBase({
    base: base(),
    rebuild,
    onProgress: ({ phase, done, total }) => {
      if (total < 2000) return; // a bar is noise for a few documents
      if (!started) bar.start(total, done, { phase });
      started = true;
      bar.update(done, { phase });
    },
  });
  if (started) bar.stop();
  return kb;
}

function summary(kb: KnowledgeBase): void {
  console.log(
    `文档 ${kb.documents.length} 篇，条款 ${kb.clauses.length} 条（索引：${kb.origin === 'built' ? '新建' : '已加载'}，${kb.base.dir}）`,
  );
  for (const doc of kb.documents) console.log(`  ${doc.meta.id}  ${doc.meta.title}  ${doc.clauses.length} 条`);
  const open = kb.reports.flatMap((r) => r.issues.filter((i) => !i.fixedBy));
  console.log(`警告 ${open.length} 条${open.length ? '：' : ''}`);
  for (const issue of open) console.log(`  [${issue.docId}] ${issue.kind} “${issue.span}” …${issue.context}…`);
}

async function main(): Promise<number> {
  switch (command) {
    case 'build': {
      const kb = await open('always');
      summary(kb);
      console.log(`奖补规则 ${kb.ruleSets.length} 套，${kb.ruleSets.reduce((n, rs) => n + rs.rules.length, 0)} 条，均已与所引条款原文核对`);
      return 0;
    }
    case 'search': {
      const query = positional().join(' ');
      if (!query) {
        console.error('用法：npm run knowledge:search -- "问题" [-k 5]');
        return 2;
      }
      const kb = await open('if-stale');
      const hits = await kb.retriever.search(query, { k: Number(option('-k') ?? 5) });
      if (hits.length === 0) console.log('没有找到相关条款。');
      for (const [i, hit] of hits.entries()) {
        const doc = kb.getDocument(hit.clause.docId);
        console.log(
          `${i + 1}. ${doc?.shortTitle ?? doc?.title} ${hit.clause.label}  ${hit.clause.heading}  (score ${hit.score.toFixed(4)})`,
        );
        console.log(`   ${hit.clause.text.replace(/\n/g, ' ').slice(0, 160)}${hit.clause.text.length > 160 ? '…' : ''}`);
      }
      return 0;
    }
    case 'report': {
      const kb = await open('if-stale');
      console.log('# 知识库数据质量报告\n');
      for (const doc of kb.documents) {
        const report = kb.reports.find((r) => r.docId === doc.meta.id)!;
        const kinds = new Map<string, number>();
        for (const clause of doc.clauses) kinds.set(clause.kind, (kinds.get(clause.kind) ?? 0) + 1);
        console.log(`## ${doc.meta.title}（${doc.meta.id}）`);
        console.log(
          `- 发布：${doc.meta.issuer} ${doc.meta.issueDate ?? '（未载明日期）'}；有效期 ${doc.meta.validity.from} 至 ${doc.meta.validity.to ?? '长期'}；适用 ${doc.meta.jurisdiction}`,
        );
        if (doc.meta.applicationWindow)
          console.log(`- 申报窗口（取自页面页眉）：${doc.meta.applicationWindow.from} ~ ${doc.meta.applicationWindow.to}`);
        console.log(`- 条款：${doc.clauses.length}（${[...kinds].map(([k, n]) => `${k} ${n}`).join('，')}）`);
        console.log(`- 去除拼音注音：${report.rubyAnnotationsStripped} 处`);
        if (report.removed.length) {
          console.log(`- 去除页面杂项 ${report.removed.length} 行：`);
          for (const r of report.removed) console.log(`  - [${r.kind}] ${r.text}`);
        }
        if (report.issues.length) {
          console.log('- 无法自动修复的片段：');
          for (const issue of report.issues)
            console.log(
              `  - ${issue.kind} “${issue.span}”（…${issue.context}…）${issue.fixedBy ? ` → 已由勘误修正：${issue.fixedBy}` : ' → 未修正'}`,
            );
        } else console.log('- 无法自动修复的片段：无');
        console.log('');
      }
      return 0;
    }
    case 'add':
      return add();
    case 'rollback':
      return args.includes('--list') ? listHistory() : rollback();
    default:
      console.log(
        '用法：tsx knowledge/cli.ts build | search "问题" [-k 5] | report | add <文件> [--title … --issuer … --date … --valid-to …] | rollback [--list]',
      );
      return command === 'help' ? 0 : 2;
  }
}

/** Who made a change from the command line: --by, else the account running it. */
function who(): string {
  return option('--by') ?? `${os.userInfo().username}（命令行）`;
}

function admin(): KnowledgeAdmin {
  const rebuild: Rebuild = async () => ({ knowledge: await open('if-stale'), commit: () => undefined });
  return new KnowledgeAdmin(base(), rebuild);
}

async function add(): Promise<number> {
  const [file, ...extra] = positional();
  if (!file || extra.length > 0) {
    console.error(
      '用法：npm run knowledge:add -- <文件> [--title … --issuer … --date … --valid-from … --valid-to … --jurisdiction … --id … --base …]',
    );
    return 2;
  }
  const bytes = readFileSync(file);
  const fileName = path.basename(file);
  const manager = admin();
  console.log(`知识库：${base().dir}`);
  if (/\.ya?ml$/i.test(fileName)) {
    const draft = manager.stageRules({ fileName, bytes, who: who() }, await open('if-stale'));
    console.log(
      `奖补规则《${draft.ruleSet.title}》（${draft.ruleSet.id}，引用 ${draft.ruleSet.docId}）：${draft.ruleSet.rules.length} 条，均已与所引条款原文核对`,
    );
    for (const rule of draft.ruleSet.rules) console.log(`  ${rule.id}  ${rule.title}（${rule.citation.docId}#${rule.citation.clauseId}）`);
    if (args.includes('--dry-run')) {
      manager.discardDraft(draft.draftId);
      console.log('（--dry-run：未发布）');
      return 0;
    }
    const result = await manager.publishDraft(draft.draftId, who(), await open('if-stale'));
    console.log(`已发布为版本 ${result.version.version}：${result.version.summary}`);
    console.log('撤销：npm run knowledge:rollback');
    return 0;
  }
  const metadata: MetadataInput = {
    ...(option('--id') ? { docId: option('--id')! } : {}),
    ...(option('--title') ? { title: option('--title')! } : {}),
    ...(option('--short-title') ? { shortTitle: option('--short-title')! } : {}),
    ...(option('--issuer') ? { issuer: option('--issuer')! } : {}),
    ...(option('--date') ? { issueDate: option('--date')! } : {}),
    ...(option('--valid-from') ? { validFrom: option('--valid-from')! } : {}),
    ...(option('--valid-to') ? { validTo: option('--valid-to')! } : {}),
    ...(option('--jurisdiction') ? { jurisdiction: option('--jurisdiction')! } : {}),
    ...(option('--format') ? { format: option('--format') as DocumentFormat } : {}),
  };
  const draft = await manager.stageDocument({ fileName, bytes, metadata, who: who() });
  for (const line of previewLines(draft)) console.log(line);
  if (draft.inferred.length > 0)
    console.log(
      `以上${draft.inferred.map((i) => i.label).join('、')}是从正文推断的，如有误请用 --title、--issuer、--date、--valid-from、--valid-to、--jurisdiction 指定。`,
    );
  if (args.includes('--dry-run') || draft.missing.length > 0 || draft.problems.length > 0) {
    manager.discardDraft(draft.draftId);
    if (draft.missing.length > 0) {
      console.error(`未发布：请补全${draft.missing.join('、')}（如 --issuer "某某市人民政府"）。`);
      return 2;
    }
    if (draft.problems.length > 0) {
      console.error(`未发布：${draft.problems.join('；')}（可用 --format 指定格式）。`);
      return 2;
    }
    console.log('（--dry-run：未发布）');
    return 0;
  }
  const result = await manager.publishDraft(draft.draftId, who(), await open('if-stale'));
  const kb = result.knowledge;
  console.log(`已发布为版本 ${result.version.version}：${result.version.summary}`);
  for (const change of result.version.changes) console.log(`  ${change}`);
  console.log(`已重建：文档 ${kb.documents.length} 篇，条款 ${kb.clauses.length} 条。`);
  console.log('运行中的服务需重启，或在坐席控制台“知识库”中发布，才会用上新文件。撤销：npm run knowledge:rollback');
  return 0;
}

async function rollback(): Promise<number> {
  const manager = admin();
  const result = await manager.rollback(who());
  console.log(`已回滚为版本 ${result.version.version}：${result.version.summary}`);
  for (const change of result.version.changes) console.log(`  ${change}`);
  console.log(
    `已重建：文档 ${result.knowledge.documents.length} 篇，条款 ${result.knowledge.clauses.length} 条。运行中的服务需重启才会生效。`,
  );
  return 0;
}

function listHistory(): number {
  const status = admin().status();
  if (status.history.length === 0) {
    console.log('这个知识库还没有修改记录。');
    return 0;
  }
  for (const v of status.history)
    console.log(
      `版本 ${v.version}  ${v.at}  ${v.who}  ${ACTION_NAMES[v.action]}：${v.summary}${v.changes.length ? `（${v.changes.join('，')}）` : ''}`,
    );
  console.log(
    status.rollback ? `回滚将撤销：${status.rollback.undoes}（恢复到版本 ${status.rollback.toVersion}）` : '没有可以回滚的更早版本。',
  );
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  // What staff can fix (a file, an option, the base) is said in a sentence; anything else keeps its stack.
  if (error instanceof AdminError) {
    console.error(`失败：${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof KnowledgeError) {
    console.error(`失败：${error.message}`);
    process.exitCode = 1;
  } else throw error;
}
