/**
 * First step of reading a message: find the user's own words inside what they pasted. People forward
 * WeChat messages and notices, paste web pages, JSON, e-mails and chat logs, and then ask their question.
 * Pure functions; no knowledge of any policy.
 */

/** Whose words a piece of the message is. */
export type SegmentSource =
  /** The user's own words. */
  | 'own'
  /** Quoted, forwarded or pasted material: it may describe the user's company, and its figures are claims. */
  | 'quoted'
  /** Another speaker's lines in a pasted chat, when the user says which speaker they are. */
  | 'other-party'
  /** Content hidden from a reader (HTML comments, instructions in JSON roles): never a fact, possibly an injection. */
  | 'hidden';

export interface Segment {
  text: string;
  source: SegmentSource;
  /** The speaker label of a chat line (王总：…). */
  speaker?: string;
}

const HTML_TAG = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi;
const HTML_BLOCK_TAG = /<\/?(?:p|div|br|tr|li|ul|ol|table|h[1-6]|section|article|blockquote)(?:\s[^<>]*)?\/?>/gi;
const HTML_CELL_TAG = /<\/?(?:td|th)(?:\s[^<>]*)?>/gi;
const HTML_COMMENT = /<!--([\s\S]*?)-->/g;
const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ensp: ' ', emsp: ' ' };

/** Text of an HTML fragment: tags removed (blocks become line breaks, cells spaces), entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(HTML_BLOCK_TAG, '\n')
    .replace(HTML_CELL_TAG, ' ')
    .replace(HTML_TAG, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

const CHAT_ROLES = new Set(['system', 'assistant', 'developer', 'tool']);

/** Values of a JSON document as `key：value` lines; role/content messages from a system are hidden. */
function jsonToSegments(value: unknown): Segment[] {
  const lines: string[] = [];
  const hidden: string[] = [];
  const walk = (node: unknown, key: string | undefined): void => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) return node.forEach((item) => walk(item, key));
    if (typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.role === 'string' && CHAT_ROLES.has(record.role.toLowerCase()) && typeof record.content === 'string') {
        hidden.push(record.content);
        return;
      }
      for (const [k, v] of Object.entries(record)) walk(v, k);
      return;
    }
    const text = String(node);
    if (text.trim() === '') return;
    lines.push(key ? `${key}：${text}` : text);
  };
  walk(value, undefined);
  const segments: Segment[] = [];
  // One object describes one thing: its fields stay together in one piece of text.
  if (lines.length > 0) segments.push({ text: lines.join(' '), source: 'quoted' });
  for (const text of hidden) segments.push({ text, source: 'hidden' });
  return segments;
}

/** `{…}` or `[…]` spans that parse as JSON, outermost first. */
function jsonSpans(text: string): { start: number; end: number; value: unknown }[] {
  const spans: { start: number; end: number; value: unknown }[] = [];
  for (let i = 0; i < text.length; i++) {
    const open = text[i];
    if (open !== '{' && open !== '[') continue;
    const close = open === '{' ? '}' : ']';
    let depth = 0;
    let inString = false;
    for (let j = i; j < text.length; j++) {
      const ch = text[j];
      if (inString) {
        if (ch === '\\') j++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === open) depth++;
      else if (ch === close && --depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(i, j + 1));
          if (typeof value === 'object' && value !== null) {
            spans.push({ start: i, end: j + 1, value });
            i = j;
          }
        } catch {
          // not JSON: ordinary braces in text
        }
        break;
      }
    }
  }
  return spans;
}

/** A line that opens forwarded or quoted material. */
const FORWARD_HEADER =
  /^(?:【\s*(?:转发|转|转载|通知转发|转自)[^】]*】|转发自|转自|转发：|转发:|from\s*:|subject\s*:|发件人|主题[:：]|群聊记录|聊天记录|以下是|-{3,}|—{2,})/i;
/** A pasted chat line: a short speaker label and a colon (王总：…, 李会计: …). */
const SPEAKER_LINE = /^([\u4e00-\u9fffA-Za-z]{1,8})[：:]\s*(.+)$/;
/** The user says which speaker they are: 我是李四、我就是李会计、（我是李四）. */
const SELF_NAME = /我(?:就)?是([\u4e00-\u9fffA-Za-z]{1,8}?)(?=[）)，,。！\s]|$|我们)/;
/** Labels longer than four characters are speakers only when they end in a title (李会计, 王经理). */
const PERSON_TITLE = /(总|经理|会计|主任|老师|先生|女士|老板|科长|处长|局长|书记|助理|姐|哥)$/;
/** Lines that are only attachments or transport noise. */
const PLACEHOLDER = /\[(?:图片|语音|视频|文件|表情|动画表情|链接|位置)\]/g;
const CODE_FENCE = /```[\s\S]*?```/g;
/** Labels a chat line can start with that are not speakers (项目：…, 备注：…). */
const NOT_SPEAKERS = new Set([
  '问题',
  '备注',
  '说明',
  '附件',
  '主题',
  '标题',
  '时间',
  '地址',
  '电话',
  '金额',
  '合计',
  '设备',
  '软件',
  '项目',
  '企业',
  '公司',
  '客户留言',
  '留言',
  'q',
  'a',
  'http',
  'https',
]);

/**
 * Splits a message into the user's own words and what they pasted around them. HTML is reduced to its
 * text, JSON to its values, code blocks and attachment placeholders are dropped; forwarded blocks, e-mail
 * quotes (`> …`) and chat logs are kept apart from the user's own lines.
 */
export function readMessage(message: string): Segment[] {
  let text = message.replace(CODE_FENCE, '\n').replace(PLACEHOLDER, ' ');
  const segments: Segment[] = [];
  text = text.replace(HTML_COMMENT, (_whole, inner: string) => {
    if (inner.trim()) segments.push({ text: inner.trim(), source: 'hidden' });
    return '\n';
  });
  if (/<[a-z][^<>]*>/i.test(text)) text = htmlToText(text);

  // JSON documents become their own segments; the rest of the text is read line by line.
  const spans = jsonSpans(text);
  let rest = '';
  let at = 0;
  for (const span of spans) {
    rest += `${text.slice(at, span.start)}\n`;
    segments.push(...jsonToSegments(span.value));
    at = span.end;
  }
  rest += text.slice(at);

  const lines = rest.split(/\r?\n/).map((l) => l.trim());
  const selfName = SELF_NAME.exec(rest)?.[1];
  const speakerOf = (line: string): RegExpExecArray | undefined => {
    const m = SPEAKER_LINE.exec(line);
    return m && !NOT_SPEAKERS.has(m[1]!.toLowerCase()) && (m[1]!.length <= 4 || PERSON_TITLE.test(m[1]!)) ? m : undefined;
  };
  // Labelled lines are a chat log only when there are several, or the user names themself among them:
  // "设备采购发票：不含税…" on its own is a heading, not a speaker.
  const labelled = lines.filter((l) => speakerOf(l));
  const isChat = labelled.length >= 2 || (selfName !== undefined && labelled.some((l) => speakerOf(l)![1] === selfName));
  let inForward = false;
  for (const raw of lines) {
    if (raw === '') {
      inForward = false;
      continue;
    }
    let line = raw;
    if (FORWARD_HEADER.test(line)) {
      inForward = true;
      line = line.replace(FORWARD_HEADER, '').trim();
      if (line === '') continue;
      segments.push({ text: line, source: 'quoted' });
      continue;
    }
    if (/^>/.test(line)) {
      segments.push({ text: line.replace(/^>+\s*/, ''), source: 'quoted' });
      continue;
    }
    const speaker = isChat ? speakerOf(line) : undefined;
    if (speaker) {
      const name = speaker[1]!;
      const own = selfName !== undefined && (selfName === name || selfName.includes(name) || name.includes(selfName));
      segments.push({ text: speaker[2]!, source: own ? 'own' : selfName !== undefined ? 'other-party' : 'quoted', speaker: name });
      continue;
    }
    // A forwarded block runs until a blank line or a line in the user's own voice (——我们是…).
    if (inForward && !/^(?:——|--|我|咱|请问|问一下|问下|想问)/.test(line)) {
      segments.push({ text: line, source: 'quoted' });
      continue;
    }
    inForward = false;
    segments.push({ text: line.replace(/^(?:——|--)\s*/, ''), source: 'own' });
  }
  return segments.filter((s) => s.text.trim() !== '');
}
