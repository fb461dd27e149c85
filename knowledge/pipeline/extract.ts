import path from 'node:path';
import { createRequire } from 'node:module';
import * as cheerio from 'cheerio';
import { isTag, isText, type ChildNode } from 'domhandler';
import mammoth from 'mammoth';

/**
 * A policy file as a hotline receives it (plain text, Markdown, a web page, a Word document, a PDF) turned
 * into the plain text the cleaners and parsers read, one paragraph a line. Each format is read with a
 * maintained library: cheerio for HTML, mammoth for .docx (through its HTML), pdfjs-dist for PDF.
 */

export type SourceKind = 'text' | 'markdown' | 'html' | 'docx' | 'pdf';

/** File name endings accepted for policy documents, with the format each is read as. */
export const SOURCE_EXTENSIONS: Readonly<Record<string, SourceKind>> = {
  '.txt': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.docx': 'docx',
  '.pdf': 'pdf',
};

/** How each kind is named to staff. */
export const SOURCE_KIND_NAMES: Readonly<Record<SourceKind, string>> = {
  text: '纯文本',
  markdown: 'Markdown 文本',
  html: '网页（HTML）',
  docx: 'Word 文档（.docx）',
  pdf: 'PDF 文档',
};

export interface ExtractedSource {
  kind: SourceKind;
  /** One paragraph a line; what the cleaner reads. */
  text: string;
  /** True when `text` is the file itself (plain text, Markdown): nothing needs storing beside it. */
  verbatim: boolean;
  /** A title the file declares apart from its text (HTML <title>, a Word title style, PDF metadata). */
  titleHint?: string;
  /** What was done to read it, in Chinese, for the preview and the command line. */
  notes: string[];
}

/** A file that cannot be read as a policy document; `status` is the HTTP status that fits. */
export class SourceFileError extends Error {
  constructor(
    readonly code: 'unsupported_file_type' | 'unreadable_file' | 'empty_file',
    message: string,
    readonly status: 415 | 422,
  ) {
    super(message);
    this.name = 'SourceFileError';
  }
}

/** The kind a file name says, or undefined when it is not a policy document format. */
export function sourceKindOf(fileName: string): SourceKind | undefined {
  return SOURCE_EXTENSIONS[path.extname(fileName).toLowerCase()];
}

/** Reads a policy file's bytes into text, by its name's ending. */
export async function extractSource(fileName: string, bytes: Uint8Array): Promise<ExtractedSource> {
  const kind = sourceKindOf(fileName);
  if (!kind) {
    const ext = path.extname(fileName) || '（无扩展名）';
    throw new SourceFileError(
      'unsupported_file_type',
      `不支持的文件类型 ${ext}：政策文件请上传 ${Object.keys(SOURCE_EXTENSIONS).join('、')}（旧版 .doc 请先另存为 .docx）`,
      415,
    );
  }
  let extracted: ExtractedSource;
  switch (kind) {
    case 'text':
    case 'markdown': {
      const { text, notes } = decodeText(bytes);
      extracted = { kind, text, verbatim: true, notes };
      break;
    }
    case 'html': {
      const decoded = decodeText(bytes);
      const html = htmlToText(decoded.text);
      extracted = {
        kind,
        text: html.text,
        verbatim: false,
        ...(html.titleHint ? { titleHint: html.titleHint } : {}),
        notes: [...decoded.notes, ...htmlNotes(html)],
      };
      break;
    }
    case 'docx':
      extracted = await docxToText(bytes);
      break;
    case 'pdf':
      extracted = await pdfToText(bytes);
      break;
  }
  if (!/[\u3400-\u9fffA-Za-z0-9]/.test(extracted.text)) {
    throw new SourceFileError(
      'empty_file',
      kind === 'pdf'
        ? 'PDF 中没有可提取的文字：可能是扫描件（图片），请先做文字识别（OCR）或改传 Word/文本版本'
        : `${SOURCE_KIND_NAMES[kind]}中没有可识别的文字`,
      422,
    );
  }
  return extracted;
}

/** UTF-8 (with or without BOM), else GB18030, the other encoding Chinese text files come in. */
function decodeText(bytes: Uint8Array): { text: string; notes: string[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), notes: [] };
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), notes: ['文件不是 UTF-8 编码，已按 GB18030（GBK）读取'] };
    } catch {
      throw new SourceFileError('unreadable_file', '无法识别文件的文字编码：请另存为 UTF-8 编码的文本后再上传', 422);
    }
  }
}

// ---- HTML -------------------------------------------------------------------------------------------

/** Elements whose start and end break a line. */
const BLOCK = new Set(
  'address article blockquote caption dd div dl dt figcaption figure form h1 h2 h3 h4 h5 h6 hr li main ol p pre section table tbody tfoot thead tr ul'.split(
    ' ',
  ),
);
/** Never text of the policy: code, styling, and the page's own navigation and frame. */
const DROPPED = 'script, style, noscript, template, iframe, svg, object, nav, header, footer, aside';

interface HtmlText {
  text: string;
  titleHint?: string;
  /** Elements dropped as page chrome (navigation, header, footer). */
  dropped?: number;
}

/** Text of an HTML document or fragment: one line per block element or <br>, spaces collapsed. */
export function htmlToText(html: string): HtmlText {
  const $ = cheerio.load(html);
  const title = clean($('title').first().text()) || clean($('h1').first().text()) || undefined;
  const chrome = $('nav, header, footer, aside').length;
  $(DROPPED).remove();
  $('head').remove();
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    const text = clean(line);
    if (text !== '') lines.push(text);
    line = '';
  };
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (isText(node)) {
        line += node.data;
        continue;
      }
      if (!isTag(node)) continue;
      const name = node.name.toLowerCase();
      if (name === 'br') {
        flush();
        continue;
      }
      const block = BLOCK.has(name);
      if (block) flush();
      walk(node.children);
      if (block) flush();
      // Table cells of one row stay on one line, apart.
      else if (name === 'td' || name === 'th') line += ' ';
    }
  };
  walk($.root().contents().toArray());
  flush();
  return { text: lines.join('\n'), ...(title ? { titleHint: title } : {}), ...(chrome > 0 ? { dropped: chrome } : {}) };
}

function htmlNotes(source: HtmlText): string[] {
  const lines = source.text.split('\n').length;
  return [
    `网页正文提取 ${lines} 行`,
    ...(source.dropped ? [`去除网页导航、页眉页脚等 ${source.dropped} 处`] : []),
    ...(source.titleHint ? [`网页标题：${source.titleHint}`] : []),
  ];
}

const CJK_TEXT = '[\\u3400-\\u9fff，。；：、（）《》“”]';
/** A line break in the markup between two Chinese characters is the source's wrapping, not a space. */
const WRAP_BETWEEN_CJK = new RegExp(`(?<=${CJK_TEXT})[ \\t]*\\r?\\n\\s*(?=${CJK_TEXT})`, 'g');

function clean(text: string): string {
  return text
    .replace(WRAP_BETWEEN_CJK, '')
    .replace(/[\s\u00a0\u3000]+/g, ' ')
    .trim();
}

// ---- Word -------------------------------------------------------------------------------------------

async function docxToText(bytes: Uint8Array): Promise<ExtractedSource> {
  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      // Word's own Title and Subtitle styles are headings too: the title is then known apart from the text.
      { ignoreEmptyParagraphs: true, styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"] },
    );
  } catch {
    throw new SourceFileError(
      'unreadable_file',
      '无法读取 Word 文件：文件已损坏或不是 .docx 格式（旧版 .doc 请先用 Word 或 WPS 另存为 .docx）',
      422,
    );
  }
  const { text, titleHint } = htmlToText(result.value);
  const warnings = result.messages.filter((m) => m.type === 'warning' || m.type === 'error').length;
  return {
    kind: 'docx',
    text,
    verbatim: false,
    ...(titleHint ? { titleHint } : {}),
    notes: [
      `Word 文档提取 ${text.split('\n').length} 段`,
      ...(warnings > 0 ? [`有 ${warnings} 处格式无法转换（如特殊样式、嵌入对象），其文字已按正文保留`] : []),
    ],
  };
}

// ---- PDF --------------------------------------------------------------------------------------------

interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

interface PdfLine {
  text: string;
  left: number;
  right: number;
  size: number;
  page: number;
}

const require = createRequire(import.meta.url);
/** Character maps and standard fonts shipped with pdfjs-dist: Chinese PDFs often name a predefined CMap. */
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));

const PAGE_NUMBER = /^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[，,/／]?\s*共\s*\d+\s*页)?|\d+\s*\/\s*\d+)$/;
/** Starts of a numbered heading or point: such a line begins a new paragraph even after a full line. */
const NUMBERED =
  /^(?:第\s*[一二三四五六七八九十百零〇两\d]+\s*[条章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\s*[.．、](?!\d)|附\s*则)/;
/** Ends of a sentence or a heading's colon: a line ending so ends its paragraph. */
const PARAGRAPH_END = /[。！？；：]$/;

async function pdfToText(bytes: Uint8Array): Promise<ExtractedSource> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let document: Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>;
  try {
    document = await pdfjs.getDocument({
      // pdfjs takes ownership of (detaches) the buffer it is given: give it a copy.
      data: new Uint8Array(bytes),
      cMapUrl: `${path.join(PDFJS_DIR, 'cmaps')}/`,
      cMapPacked: true,
      standardFontDataUrl: `${path.join(PDFJS_DIR, 'standard_fonts')}/`,
      isEvalSupported: false,
      disableFontFace: true,
      verbosity: 0,
    }).promise;
  } catch (error) {
    const name = (error as { name?: string }).name;
    throw new SourceFileError(
      'unreadable_file',
      name === 'PasswordException' ? 'PDF 设有打开密码，请先取消密码后再上传' : '无法读取 PDF：文件已损坏或不是 PDF 格式',
      422,
    );
  }
  try {
    const lines: PdfLine[] = [];
    for (let p = 1; p <= document.numPages; p++) {
      const page = await document.getPage(p);
      const content = await page.getTextContent();
      const items = content.items.filter((i): i is PdfTextItem & typeof i => 'str' in i && 'transform' in i);
      lines.push(...linesOfPage(items, p));
      page.cleanup();
    }
    const metadata = await document.getMetadata().catch(() => undefined);
    const title = (metadata?.info as { Title?: unknown } | undefined)?.Title;
    const removed = lines.filter((l) => PAGE_NUMBER.test(l.text));
    const kept = lines.filter((l) => !PAGE_NUMBER.test(l.text));
    const paragraphs = joinWrappedLines(kept);
    const titleHint =
      typeof title === 'string' && /[\u3400-\u9fff]/.test(title) && !/^Microsoft Word/.test(title) ? clean(title) : undefined;
    return {
      kind: 'pdf',
      text: paragraphs.join('\n'),
      verbatim: false,
      ...(titleHint ? { titleHint } : {}),
      notes: [
        `PDF 共 ${document.numPages} 页，提取 ${kept.length} 行，合并为 ${paragraphs.length} 段（按行的位置把跨行的段落接回）`,
        ...(removed.length > 0 ? [`去除页码 ${removed.length} 行`] : []),
      ],
    };
  } finally {
    await document.destroy();
  }
}

/** Text items of one page as lines: grouped by their baseline (y), ordered left to right. */
function linesOfPage(items: PdfTextItem[], page: number): PdfLine[] {
  const placed = items
    .filter((i) => i.str !== '')
    .map((i) => ({ str: i.str, x: i.transform[4] ?? 0, y: i.transform[5] ?? 0, w: i.width, h: i.height || Math.abs(i.transform[3] ?? 0) }))
    .sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: (typeof placed)[] = [];
  for (const item of placed) {
    const last = groups.at(-1);
    const tolerance = Math.max(1, Math.min(item.h, last?.[0]?.h ?? item.h) * 0.5);
    if (last && Math.abs(last[0]!.y - item.y) <= tolerance) last.push(item);
    else groups.push([item]);
  }
  return groups.flatMap((group) => {
    group.sort((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    for (const item of group) {
      // A visible gap between two runs is a space; runs that touch are one word.
      if (text !== '' && item.x - end > item.h * 0.25) text += ' ';
      text += item.str;
      end = item.x + item.w;
    }
    const size = Math.max(...group.map((i) => i.h));
    const cleaned = clean(text);
    return cleaned === '' ? [] : [{ text: cleaned, left: group[0]!.x, right: end, size, page }];
  });
}

/**
 * A PDF breaks paragraphs into lines of the page's width. A line of body text (from the left margin, give
 * or take a first-line indent) that reaches the right margin and does not end a sentence continues in the
 * next line of the same size, unless that one starts a numbered heading or point. A centred title never
 * starts at the left margin, so it stays a line of its own.
 */
function joinWrappedLines(lines: PdfLine[]): string[] {
  const margins = new Map<number, { left: number; right: number }>();
  for (const line of lines) {
    const m = margins.get(line.page) ?? { left: Infinity, right: -Infinity };
    margins.set(line.page, { left: Math.min(m.left, line.left), right: Math.max(m.right, line.right) });
  }
  const out: string[] = [];
  let previous: PdfLine | undefined;
  for (const line of lines) {
    const continues =
      previous !== undefined &&
      Math.abs(previous.size - line.size) <= previous.size * 0.1 &&
      !NUMBERED.test(line.text) &&
      !PARAGRAPH_END.test(previous.text) &&
      isFullLine(previous, margins.get(previous.page)!);
    if (continues) out[out.length - 1] = `${out.at(-1)!}${line.text}`;
    else out.push(line.text);
    previous = line;
  }
  return out;
}

function isFullLine(line: PdfLine, margin: { left: number; right: number }): boolean {
  return line.left <= margin.left + line.size * 2.5 && line.right >= margin.right - line.size * 1.5;
}
