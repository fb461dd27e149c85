import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createOpenAiEmbedder } from '../../knowledge/index/embedder.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge/knowledge-base.js';
import { createModelComposer } from '../../server/answering/model-composer.js';
import { loadConfig } from '../../server/config.js';
import { goldenDirFor, loadGoldenSet } from '../golden/schema.js';
import { compareReports, formatComparison, readReport } from './compare.js';
import { categoryLabel, kindLabel, rateText } from './labels.js';
import { evaluateAnswerFormTargets } from './metrics.js';
import { metricRows } from './report-md.js';
import { createHttpTarget, createInProcessTarget, DEFAULT_AS_OF, filterCases, runGoldenSet, type RunReport, type Target } from './run.js';
import { DEFAULT_REPORTS_DIR, writeReports } from './write-reports.js';

const USAGE = `用法：
  npm run eval                                  在进程内跑完整个标准问题集（按环境变量配置的模型措辞，未配置则用内置模板）
  npm run eval -- --url http://127.0.0.1:3000   对运行中的服务跑（POST /v1/ask，每个用例一个 sessionId）
  npm run eval -- --filter award,lookup-law     只跑这些类别（award 匹配所有 award-*）
  npm run eval -- --compare A.json B.json       逐题比较两次评测的结果
  npm run eval -- --set eval/blind/x.jsonl      只跑指定的问题集（文件或目录）
  KNOWLEDGE_BASE=lucheng npm run eval           对另一个知识库跑它自己的问题集（eval/golden/<知识库>/）
选项：
  --out DIR          报告目录（默认 eval/reports）
  --as-of YYYY-MM-DD 未注明日期的用例按此日期作答（默认 ${DEFAULT_AS_OF}）
  --concurrency N    同时进行的用例数（默认：进程内 1，HTTP 4）
退出码：门槛全部通过为 0，有门槛未通过为 1，用法或运行错误为 2。`;

async function inProcessTarget(asOf: string, knowledge: KnowledgeBase): Promise<Target> {
  const config = loadConfig(process.env);
  return createInProcessTarget({
    knowledge,
    ...(config.llm ? { composer: modelComposer(config, knowledge), modelTimeoutMs: config.llm.timeoutMs } : {}),
    hotline: config.hotline,
    today: asOf,
  });
}

function modelComposer(config: ReturnType<typeof loadConfig>, knowledge: KnowledgeBase) {
  const composer = createModelComposer({ ...config.llm!, ruleSets: knowledge.ruleSets, assistantName: knowledge.assistantName });
  process.stderr.write(`措辞：模型 ${composer.model}（${config.llm!.baseURL}），金额仍由计算器给出并经护栏检查\n`);
  return composer;
}

async function openBase(): Promise<KnowledgeBase> {
  const config = loadConfig(process.env);
  return openKnowledgeBase({
    ...(config.knowledgeBase ? { base: config.knowledgeBase } : {}),
    ...(config.knowledgeDistDir ? { distDir: path.resolve(config.knowledgeDistDir) } : {}),
    ...(config.embeddings ? { embedder: createOpenAiEmbedder(config.embeddings) } : {}),
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      compare: { type: 'boolean' },
      filter: { type: 'string', multiple: true },
      out: { type: 'string' },
      'as-of': { type: 'string' },
      concurrency: { type: 'string' },
      set: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  if (values.compare) {
    if (positionals.length !== 2) {
      console.error(`--compare 需要两个报告文件：A.json B.json\n\n${USAGE}`);
      return 2;
    }
    const [fileA, fileB] = positionals as [string, string];
    const comparison = compareReports(readReport(fileA), readReport(fileB), { a: fileA, b: fileB });
    console.log(formatComparison(comparison));
    return comparison.b.gatesPassed ? 0 : 1;
  }
  if (positionals.length > 0) {
    console.error(`多余的参数：${positionals.join(' ')}\n\n${USAGE}`);
    return 2;
  }

  const asOf = values['as-of'] ?? DEFAULT_AS_OF;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    console.error(`--as-of 须为 YYYY-MM-DD：${asOf}`);
    return 2;
  }
  const filters = (values.filter ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  // The base's own golden set unless a set is named; over HTTP the service's base is the caller's business.
  const knowledge = values.url && values.set ? undefined : await openBase();
  const setPath = values.set ? path.resolve(values.set) : goldenDirFor(knowledge!.base.name);
  const cases = filterCases(loadGoldenSet(setPath), filters);
  const target = values.url ? createHttpTarget({ url: values.url }) : await inProcessTarget(asOf, knowledge!);
  const concurrency = Number(values.concurrency ?? (target.mode === 'http' ? 4 : 1));
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error(`--concurrency 须为正整数：${values.concurrency}`);
    return 2;
  }

  const bar = new cliProgress.SingleBar(
    { format: '评测 {bar} {value}/{total} | 通过 {passed} | 未通过 {failed} | {id}', hideCursor: true, barsize: 30, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(cases.length, 0, { passed: 0, failed: 0, id: '' });
  let passed = 0;
  let report: RunReport;
  try {
    report = await runGoldenSet(cases, target, {
      defaultAsOf: asOf,
      concurrency,
      ...(filters.length ? { filter: filters } : {}),
      onCase: (record, done) => {
        if (record.score.pass) passed++;
        bar.update(done, { passed, failed: done - passed, id: record.id });
      },
    });
  } finally {
    bar.stop();
    await target.close();
  }

  const files = writeReports(report, values.out ? path.resolve(values.out) : DEFAULT_REPORTS_DIR);
  const o = report.metrics.overall;
  console.log('');
  for (const [label, value] of metricRows(o)) console.log(`  ${label}：${value}`);
  console.log('\n  按类别通过率：');
  for (const [category, m] of Object.entries(report.metrics.byCategory))
    console.log(`    ${categoryLabel(category)}（${category}）：${rateText(m.pass)}`);
  console.log('\n  门槛：');
  for (const g of report.gates) console.log(`    ${g.pass ? '✔' : '✘'} ${g.label} ${g.threshold}：${g.actual}`);
  console.log('\n  答复形式（目标，不计入门槛）：');
  for (const t of evaluateAnswerFormTargets(o.answerForm))
    console.log(`    ${t.pass === null ? '—' : t.pass ? '✔' : '✘'} ${t.label} ${t.threshold}：${t.actual}`);
  for (const [kind, s] of Object.entries(o.answerForm.lengthByKind))
    console.log(`      ${kindLabel(kind)}：${s.n} 条，长度中位数 ${s.median ?? '—'}，p95 ${s.p95 ?? '—'}，最长 ${s.max ?? '—'}`);
  const failures = report.cases.filter((r) => !r.score.pass);
  if (failures.length) {
    console.log(`\n  未通过（${failures.length}）：`);
    for (const r of failures) console.log(`    ${r.id} [${r.category}] ${r.score.failures.join('；')}`);
  }
  console.log(`\n  检索指标：${report.retrievalNote}`);
  console.log(`\n报告：\n  ${files.json}\n  ${files.md}\n  ${files.html}`);
  return report.gatesPassed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
