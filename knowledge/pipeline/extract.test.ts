import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDocx } from '../admin/testing/make-docx.js';
import { extractSource, htmlToText, SourceFileError } from './extract.js';
import { readDocument } from './sources.js';

const fixture = (name: string) => fileURLToPath(new URL(`../admin/fixtures/${name}`, import.meta.url));
const NOTICE = readFileSync(fixture('fictitious-notice.txt'), 'utf8');
const NOTICE_LINES = NOTICE.trim().split('\n');

/** The clauses a text parses into as a 第X条 text, as id → text. */
function clausesOf(text: string): Record<string, string> {
  const entry = {
    id: 'notice',
    title: '星河区萤火虫创新券试行办法（虚构测试文件）',
    aliases: [],
    issuer: '星河区虚构科技创新局',
    validity: { from: '2025-03-01' },
    jurisdiction: '星河区',
    format: 'law-text' as const,
    file: '',
  };
  return Object.fromEntries(readDocument(entry, text).document.clauses.map((c) => [c.id, c.text]));
}

describe('extractSource', () => {
  it('reads plain text and Markdown as they are (a BOM dropped), and GB18030 text when it is not UTF-8', async () => {
    const text = await extractSource('notice.txt', Buffer.from(`\uFEFF${NOTICE}`, 'utf8'));
    expect(text).toMatchObject({ kind: 'text', verbatim: true, notes: [] });
    expect(text.text).toBe(NOTICE);
    expect((await extractSource('notice.md', Buffer.from('# 标题\n\n第一条 正文。'))).kind).toBe('markdown');

    const gbk = Buffer.from([0xb5, 0xda, 0xd2, 0xbb, 0xcc, 0xf5]); // 第一条 in GB18030
    const decoded = await extractSource('old.txt', gbk);
    expect(decoded.text).toBe('第一条');
    expect(decoded.notes.join()).toContain('GB18030');
  });

  it('reads a Word document through mammoth: one paragraph a line, the Title style as the title', async () => {
    const docx = await makeDocx(NOTICE_LINES, { title: true });
    const read = await extractSource('notice.docx', docx);
    expect(read).toMatchObject({ kind: 'docx', verbatim: false, titleHint: NOTICE_LINES[0] });
    expect(read.text.split('\n')).toEqual(NOTICE_LINES);
    expect(clausesOf(read.text)).toEqual(clausesOf(NOTICE));
  });

  it('reads a PDF through pdfjs-dist: lines from the items’ positions, wrapped lines joined, the same articles as the text', async () => {
    // Printed from the fixture text by Chromium (headless --print-to-pdf): a centred title, wrapped paragraphs.
    const read = await extractSource('notice.pdf', readFileSync(fixture('fictitious-notice.pdf')));
    expect(read.kind).toBe('pdf');
    expect(read.titleHint).toBe(NOTICE_LINES[0]);
    const lines = read.text.split('\n');
    expect(lines.slice(0, 3)).toEqual(NOTICE_LINES.slice(0, 3));
    // 第二条 runs over three printed lines in the PDF; it comes back as whole sentences.
    expect(lines.find((l) => l.startsWith('第二条'))).toBe(
      '第二条 在本区登记的小微企业购买检验检测服务的，按实际支出的50%发放萤火虫创新券，每家企业每年最高不超过3万元。',
    );
    expect(read.notes[0]).toMatch(/PDF 共 1 页，提取 \d+ 行，合并为 \d+ 段/);
    const fromPdf = clausesOf(read.text);
    const fromText = clausesOf(NOTICE);
    expect(Object.keys(fromPdf)).toEqual(Object.keys(fromText));
    expect(fromPdf['art-2']!.replace(/\n/g, '')).toBe(fromText['art-2']!.replace(/\n/g, ''));
  });

  it('reads HTML through cheerio: blocks and <br> break lines, page navigation and scripts are dropped', async () => {
    const html = `<!doctype html><html><head><title>萤火虫创新券试行办法</title><style>p{}</style></head><body>
      <nav>首页 &gt; 政策文件</nav><header>星河区门户网站</header>
      <h1>萤火虫创新券试行办法</h1>
      <p>第一条 本办法纯属虚构，
         仅用于测试。</p><p>第二条 每家企业最高<b>3万元</b>。<br>本办法自2025年3月1日起施行。</p>
      <table><tr><td>附表</td><td>金额</td></tr></table>
      <script>alert(1)</script><footer>版权所有</footer></body></html>`;
    const read = await extractSource('page.html', Buffer.from(html));
    expect(read.text.split('\n')).toEqual([
      '萤火虫创新券试行办法',
      '第一条 本办法纯属虚构，仅用于测试。',
      '第二条 每家企业最高3万元。',
      '本办法自2025年3月1日起施行。',
      '附表 金额',
    ]);
    expect(read.titleHint).toBe('萤火虫创新券试行办法');
    expect(read.notes).toContain('去除网页导航、页眉页脚等 3 处');
    expect(htmlToText('<p>甲&nbsp;乙</p><p>&lt;丙&gt;</p>').text).toBe('甲 乙\n<丙>');
  });

  it('refuses what it cannot read, in Chinese, with the status that fits', async () => {
    const refusal = async (name: string, bytes: Uint8Array) => {
      try {
        await extractSource(name, bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(SourceFileError);
        return { status: (error as SourceFileError).status, message: (error as Error).message };
      }
      throw new Error(`${name} was accepted`);
    };
    expect(await refusal('setup.exe', Buffer.from('MZ'))).toMatchObject({
      status: 415,
      message: expect.stringContaining('不支持的文件类型 .exe'),
    });
    expect(await refusal('old.doc', Buffer.from('x'))).toMatchObject({ status: 415, message: expect.stringContaining('另存为 .docx') });
    expect(await refusal('broken.docx', Buffer.from('not a zip file'))).toMatchObject({
      status: 422,
      message: expect.stringContaining('无法读取 Word 文件'),
    });
    expect(await refusal('broken.pdf', Buffer.from('%PDF-1.7 nothing else'))).toMatchObject({
      status: 422,
      message: expect.stringContaining('无法读取 PDF'),
    });
    expect(await refusal('blank.html', Buffer.from('<html><body><p> </p></body></html>'))).toMatchObject({
      status: 422,
      message: expect.stringContaining('没有可识别的文字'),
    });
    expect(await refusal('binary.txt', Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81]))).toMatchObject({
      status: 422,
      message: expect.stringContaining('文字编码'),
    });
  });
});
