import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../pipeline/manifest.js';
import { makeDocx } from './testing/make-docx.js';
import { copyBase, type TempBase } from './testing/temp-base.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let temp: TempBase;

/** The knowledge command line as `npm run knowledge:<command>` runs it, on the temporary base. */
function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'knowledge/cli.ts'), ...args, '--base', temp.dir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KNOWLEDGE_BASE: '' },
    timeout: 120_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

beforeAll(() => {
  temp = copyBase('zhengzhou');
});
afterAll(() => temp.remove());

describe('npm run knowledge:add / knowledge:rollback', () => {
  it('adds a Word document: reports the format with its confidence, what it inferred, the clause tree and the cleaning report', async () => {
    const lines = readFileSync(fixture('fictitious-notice.txt'), 'utf8').trim().split('\n');
    const docx = path.join(temp.dir, '..', 'firefly.docx');
    writeFileSync(docx, await makeDocx(lines, { title: true }));
    const run = cli('add', docx, '--issuer', '星河区虚构科技创新局（测试）', '--id', 'xinghe-voucher-2025', '--by', 'tester');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('格式：法规、办法类文本（第X条）（自动识别，把握 0.50）');
    expect(run.out).toContain('标题：星河区萤火虫创新券试行办法（虚构测试文件）（取自文件自带的标题（标题样式、网页标题或 PDF 属性））');
    expect(run.out).toContain('发布机关：星河区虚构科技创新局（测试）\n'); // given, so not said to be inferred
    expect(run.out).toContain('有效期至：2027-12-31（取自“有效期至……”）');
    expect(run.out).toMatch(/条款树（3 条）：\n {2}题注 {2}题注（\d+ 字）\n {2}第1条 {2}本办法纯属虚构/);
    expect(run.out).toContain(
      '第2条  在本区登记的小微企业购买检验检测服务的，按实际支出的50%发放萤火虫创新券，每家企业每年最高不超过3万元（90 字；金额 3万元）',
    );
    expect(run.out).toContain('清洗报告：\n  无法自动修复的片段：无');
    expect(run.out).toMatch(/以上标题、.*是从正文推断的/);
    expect(run.out).toContain(
      '已发布为版本 1：新增《星河区萤火虫创新券试行办法（虚构测试文件）》（xinghe-voucher-2025，Word 文档（.docx））',
    );
    expect(run.out).toContain('已重建：文档 4 篇');
    const entry = loadManifest(path.join(temp.dir, 'manifest.yaml')).documents.at(-1)!;
    expect(entry).toMatchObject({
      id: 'xinghe-voucher-2025',
      file: 'firefly.txt',
      original: 'firefly.docx',
      issuer: '星河区虚构科技创新局（测试）',
    });
    expect(readFileSync(path.join(temp.dir, 'sources/firefly.docx'))).toEqual(readFileSync(docx));
    // The base's own index was rebuilt for the new inputs.
    expect(readFileSync(path.join(temp.dir, 'dist/documents.json'), 'utf8')).toContain('萤火虫创新券');
  });

  it('adds award rules checked against the new document, and refuses a rules file with errors by line', () => {
    const broken = path.join(temp.dir, '..', 'broken.yaml');
    writeFileSync(broken, readFileSync(fixture('fictitious-rules.yaml'), 'utf8').replace('capYuan: 30000', 'capYuan: 50000'));
    const refused = cli('add', broken);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /失败：奖补规则文件 broken\.yaml 有 1 处错误：第 \d+ 行 rules\[0\]\.amount\.capYuan：封顶金额 50000 不在所引条款/,
    );
    const added = cli('add', fixture('fictitious-rules.yaml'), '--by', 'tester');
    expect(added.code).toBe(0);
    expect(added.out).toContain(
      '奖补规则《星河区萤火虫创新券试行办法（虚构测试文件）》（xinghe-voucher-2025，引用 xinghe-voucher-2025）：1 条',
    );
    expect(added.out).toContain('已发布为版本 2');
  });

  it('refuses unreadable or incomplete files without touching the base', () => {
    const manifest = readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8');
    const exe = path.join(temp.dir, '..', 'setup.exe');
    writeFileSync(exe, 'MZ');
    expect(cli('add', exe)).toMatchObject({ code: 2, err: expect.stringContaining('不支持的文件类型 .exe') });
    const bare = path.join(temp.dir, '..', 'bare.txt');
    writeFileSync(bare, '第一条 甲。\n第二条 乙。\n');
    const incomplete = cli('add', bare);
    expect(incomplete.code).toBe(2);
    expect(incomplete.err).toContain('未发布：请补全标题、发布机关、生效日期');
    expect(readFileSync(path.join(temp.dir, 'manifest.yaml'), 'utf8')).toBe(manifest);
  });

  it('lists the history and rolls back one change at a time', () => {
    const list = cli('rollback', '--list');
    expect(list.out).toMatch(/版本 2 .* tester {2}发布奖补规则：/);
    expect(list.out).toMatch(/版本 0 .* 系统 {2}初始版本/);
    expect(list.out).toContain('回滚将撤销：发布奖补规则');
    expect(cli('rollback').out).toContain('已回滚为版本 3');
    expect(existsSync(path.join(temp.dir, 'rules/xinghe-voucher-2025.yaml'))).toBe(false);
    expect(cli('rollback').code).toBe(0);
    expect(loadManifest(path.join(temp.dir, 'manifest.yaml')).documents.map((d) => d.id)).not.toContain('xinghe-voucher-2025');
    expect(existsSync(path.join(temp.dir, 'sources/firefly.docx'))).toBe(false);
    expect(cli('rollback')).toMatchObject({ code: 2, err: expect.stringContaining('没有可以回滚的更早版本') });
  });
});
