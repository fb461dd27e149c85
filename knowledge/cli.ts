/**
 * Knowledge base command line:
 *   npm run knowledge:build                 build (or rebuild) the index under the base's dist/ (KNOWLEDGE_BASE selects the base)
 *   npm run knowledge:search -- "问题" [-k 5] top hits with label, score and text
 *   npm run knowledge:report                data-quality report of the cleaning and parsing
 */
import cliProgress from 'cli-progress';
import { openKnowledgeBase, type KnowledgeBase } from './knowledge-base.js';

const [command = 'help', ...args] = process.argv.slice(2);

function option(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function open(rebuild: 'always' | 'if-stale'): Promise<KnowledgeBase> {
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {value}/{total}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const kb = await openKnowledgeBase({
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
      const query = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-k').join(' ');
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
    default:
      console.log('用法：tsx knowledge/cli.ts build | search "问题" [-k 5] | report');
      return command === 'help' ? 0 : 2;
  }
}

process.exitCode = await main();
