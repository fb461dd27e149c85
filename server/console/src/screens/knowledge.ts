/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiError } from '../api.js';
import { byId, h, render, toast } from '../dom.js';
import { shortTime, wan, yuan } from '../format.js';
import type { ConsoleContext } from '../main.js';
import type { CalculateResponse, Document } from '../types.js';
import type {
  DocumentDraft,
  DocumentPreview,
  KnowledgeChange,
  KnowledgeDraft,
  KnowledgeError,
  KnowledgeStatus,
  MetadataInput,
  RulesDraft,
} from '../knowledge-api.gen.js';

type Issue = NonNullable<KnowledgeError['error']['issues']>[number];

/** An error of the knowledge routes, with its problems by line when a file was at fault. */
class KnowledgeApiError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly issues: Issue[],
  ) {
    super(status, code, message);
  }
}

/**
 * Like api(), keeping the problems by line a knowledge route returns with its error. A 401 goes through
 * api() once more, so the console shows its sign-in as for every other staff route.
 */
async function call<T>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务，请检查网络后重试');
  }
  if (response.status === 401) return api<T>(method, url, body);
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as Partial<KnowledgeError> | undefined)?.error;
    throw new KnowledgeApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `服务返回错误（HTTP ${response.status}）`,
      error?.issues ?? [],
    );
  }
  return data as T;
}

const AMOUNT_KINDS: Record<string, string> = {
  fixed: '定额',
  percentOf: '按比例',
  byFact: '按等级',
  bands: '分档',
  perUnit: '按件/按单位',
  staged: '分阶段',
};
const RULE_STATUS: Record<string, [string, string]> = {
  eligible: ['可申请', 'ok'],
  'needs-facts': ['待补充信息', 'warn'],
  ineligible: ['不符合', 'muted'],
  expired: ['已过期', 'bad'],
};
const META_FIELDS: { key: keyof MetadataInput; label: string; type: 'text' | 'date'; clearable?: boolean; placeholder?: string }[] = [
  { key: 'title', label: '标题', type: 'text' },
  { key: 'shortTitle', label: '简称', type: 'text', clearable: true, placeholder: '可不填' },
  { key: 'issuer', label: '发布机关', type: 'text' },
  { key: 'issueDate', label: '发布日期', type: 'date', clearable: true },
  { key: 'validFrom', label: '生效日期', type: 'date' },
  { key: 'validTo', label: '有效期至', type: 'date', clearable: true, placeholder: '留空表示长期有效' },
  { key: 'jurisdiction', label: '适用地区', type: 'text' },
];

const STYLE = `
.grid.kb { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); }
.kb-actions { display: flex; gap: 6px; flex-wrap: wrap; }
.kb-meta { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0 14px; }
.kb-meta .field input, .kb-meta .field select { width: 100%; }
.kb-meta .hint.inferred { color: var(--warn); }
.kb-tree { list-style: none; margin: 0; padding: 0; font-size: 13px; }
.kb-tree li { padding: 3px 0; border-bottom: 1px solid var(--line); }
.kb-tree li.path { font-weight: 600; color: var(--muted); border-bottom: 0; padding-top: 8px; }
.kb-tree .label { display: inline-block; min-width: 64px; font-weight: 600; }
.kb-tree .excerpt { display: block; color: var(--muted); }
.kb-yaml { font-family: ui-monospace, Consolas, monospace; font-size: 12px; margin: 0; padding-left: 44px; max-height: 320px; overflow: auto; }
.kb-yaml li { white-space: pre-wrap; }
.kb-yaml li.bad { background: var(--bad-soft); color: var(--bad); }
.kb-issues li { margin-bottom: 2px; }
.kb-confirm { background: var(--warn-soft); padding: 8px; border-radius: 6px; margin: 6px 0; }
`;

/** The screen's tab and panel, added to the page by the screen itself. */
function mount(): void {
  document.head.appendChild(h('style', null, STYLE));
  byId('tab-insights').after(
    h('button', { id: 'tab-knowledge', role: 'tab', 'aria-controls': 'screen-knowledge' }, '知识库 ', h('kbd', null, 'Alt+6')),
  );
  byId('screen-insights').after(
    h(
      'section',
      { id: 'screen-knowledge', class: 'screen', role: 'tabpanel', 'aria-labelledby': 'tab-knowledge', hidden: true },
      h(
        'div',
        { class: 'grid kb' },
        h(
          'div',
          { class: 'col' },
          h(
            'form',
            { id: 'kb-upload-form', class: 'card' },
            h('h3', null, '上传政策文件或奖补规则'),
            h(
              'p',
              { class: 'muted', id: 'kb-accepts' },
              '政策文件：.txt .md .html .docx .pdf；奖补规则：.yaml。上传后先预览，确认无误再发布。',
            ),
            h(
              'div',
              { class: 'row' },
              h('input', {
                id: 'kb-file',
                type: 'file',
                accept: '.txt,.md,.markdown,.html,.htm,.docx,.pdf,.yaml,.yml',
                'aria-label': '选择文件',
              }),
              h('button', { id: 'kb-upload', type: 'submit', class: 'primary' }, '上传并预览'),
            ),
            h('p', { id: 'kb-upload-status', class: 'muted', role: 'status' }),
          ),
          h('div', { class: 'card' }, h('h3', null, '文件 ', h('span', { id: 'kb-live', class: 'muted' })), h('div', { id: 'kb-docs' })),
          h('div', { class: 'card' }, h('h3', null, '奖补规则'), h('div', { id: 'kb-rules' })),
          h('div', { class: 'card' }, h('h3', null, '草稿（未发布）'), h('div', { id: 'kb-drafts' })),
          h('div', { class: 'card' }, h('h3', null, '修改记录'), h('div', { id: 'kb-rollback-box' }), h('div', { id: 'kb-history' })),
        ),
        h('div', { class: 'col', id: 'kb-detail' }),
      ),
    ),
  );
  byId('help')
    .querySelector('tbody')
    ?.append(h('tr', null, h('td', null, h('kbd', null, 'Alt+6')), h('td', null, '知识库：上传、预览、发布、回滚政策文件和奖补规则')));
}

function validity(from: string | undefined, to: string | undefined): string {
  return `${from ?? '？'} 至 ${to ?? '长期'}`;
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('无法读取所选文件'));
    reader.readAsDataURL(file);
  });
}

/**
 * 知识库: the documents and award rules the service answers from, changed without a developer. A file is
 * uploaded as a draft and previewed (clause tree, cleaning report, metadata read from the text; rules checked
 * line by line and tried on sample facts), corrected, then published: the service answers from it at once.
 * Documents and rules can be unpublished and published again, and every change can be rolled back.
 */
export function knowledgeScreen(ctx: ConsoleContext) {
  mount();
  const form = byId<HTMLFormElement>('kb-upload-form');
  const fileInput = byId<HTMLInputElement>('kb-file');
  const uploadStatus = byId('kb-upload-status');
  const detail = byId('kb-detail');
  let status: KnowledgeStatus | undefined;

  async function load() {
    try {
      status = await call<KnowledgeStatus>('GET', '/v1/staff/knowledge');
      renderLists();
    } catch (error) {
      render(byId('kb-docs'), h('p', { class: 'error', role: 'alert' }, error instanceof ApiError ? error.message : '无法加载知识库'));
    }
    if (!detail.hasChildNodes()) placeholder();
  }

  function placeholder() {
    render(
      detail,
      h(
        'div',
        { class: 'card empty' },
        h('p', null, '上传一份政策文件或奖补规则，先在这里预览，确认无误后发布；发布后问答立即按新内容回答，无需重启。'),
        h('p', { class: 'muted' }, '也可以在左侧打开已有文件查看条款树和清洗报告、更正文件信息，或下架、回滚。'),
      ),
    );
  }

  /** After a change the other screens' list of documents follows the service. */
  async function refreshDocuments() {
    try {
      const fresh = (await api<{ documents: Document[] }>('GET', '/v1/policies')).documents;
      ctx.documents.splice(0, ctx.documents.length, ...fresh);
    } catch {
      // the other screens keep the list they had
    }
  }

  async function applied(change: KnowledgeChange) {
    status = change.status;
    renderLists();
    toast(`已生效（版本 ${change.version.version}）：${change.version.summary}`);
    await refreshDocuments();
  }

  function failed(error: unknown, what: string) {
    const message = error instanceof ApiError ? error.message : what;
    const issues = error instanceof KnowledgeApiError ? error.issues : [];
    toast(message, 'error');
    return h(
      'div',
      { class: 'card error', role: 'alert', id: 'kb-error' },
      h('p', null, message),
      issues.length > 0
        ? h(
            'ol',
            { class: 'kb-issues' },
            issues.map((i) =>
              h(
                'li',
                { 'data-line': i.line ?? '' },
                i.line !== undefined ? h('strong', null, `第 ${i.line} 行 `) : null,
                i.path ? h('code', null, i.path, ' ') : null,
                i.message,
              ),
            ),
          )
        : null,
    );
  }

  // ---- lists -------------------------------------------------------------------------------------

  function renderLists() {
    if (!status) return;
    const s = status;
    byId('kb-live').textContent = `（服务中：${s.live.documents} 篇、${s.live.clauses} 条款，自 ${shortTime(s.live.since)}）`;
    byId('kb-accepts').textContent =
      `政策文件：${s.accepts.documents.join(' ')}；奖补规则：${s.accepts.rules.join(' ')}；单个文件不超过 ${Math.round(s.accepts.maxBytes / 1024 / 1024)} MB。上传后先预览，确认无误再发布。`;
    render(
      byId('kb-docs'),
      h(
        'table',
        { class: 'table' },
        h('thead', null, h('tr', null, h('th', null, '文件'), h('th', null, '状态'), h('th', null, '有效期'), h('th', null, ''))),
        h(
          'tbody',
          null,
          s.documents.map((d) =>
            h(
              'tr',
              { 'data-doc': d.docId },
              h(
                'td',
                null,
                h('div', null, d.title),
                h('div', { class: 'muted' }, d.docId, d.clauses !== undefined ? ` · ${d.clauses} 条款` : ''),
              ),
              h(
                'td',
                null,
                d.status === 'published'
                  ? h('span', { class: 'badge ok' }, d.primary ? '已发布 · 主文件' : '已发布')
                  : h('span', { class: 'badge muted' }, '已下架'),
              ),
              h('td', { class: 'muted' }, validity(d.validFrom, d.validTo)),
              h(
                'td',
                { class: 'kb-actions' },
                h('button', { type: 'button', class: 'small', onclick: () => void openDocument(d.docId) }, '预览'),
                d.status === 'published'
                  ? d.primary
                    ? null
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: 'small',
                          'data-action': 'unpublish',
                          onclick: () => void documentAction(d.docId, 'unpublish'),
                        },
                        '下架',
                      )
                  : h(
                      'button',
                      { type: 'button', class: 'small', 'data-action': 'publish', onclick: () => void documentAction(d.docId, 'publish') },
                      '重新发布',
                    ),
              ),
            ),
          ),
        ),
      ),
    );
    render(
      byId('kb-rules'),
      s.ruleSets.length === 0
        ? h('p', { class: 'muted empty-row' }, '还没有奖补规则。')
        : h(
            'table',
            { class: 'table' },
            h(
              'tbody',
              null,
              s.ruleSets.map((r) =>
                h(
                  'tr',
                  { 'data-rules': r.id },
                  h('td', null, h('div', null, r.title), h('div', { class: 'muted' }, `${r.id} · ${r.rules} 条 · 引用 ${r.docId}`)),
                  h(
                    'td',
                    null,
                    r.status === 'published' ? h('span', { class: 'badge ok' }, '已发布') : h('span', { class: 'badge muted' }, '已下架'),
                  ),
                  h(
                    'td',
                    { class: 'kb-actions' },
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'small',
                        onclick: () => void rulesAction(r.id, r.status === 'published' ? 'unpublish' : 'publish'),
                      },
                      r.status === 'published' ? '下架' : '重新发布',
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
    render(
      byId('kb-drafts'),
      s.drafts.length === 0
        ? h('p', { class: 'muted empty-row' }, '没有未发布的草稿。')
        : h(
            'ul',
            { class: 'doc-list' },
            s.drafts.map((d) =>
              h(
                'li',
                { 'data-draft': d.draftId },
                h('button', { type: 'button', class: 'link', onclick: () => void openDraft(d.draftId) }, d.title),
                h(
                  'span',
                  { class: 'muted' },
                  ` ${d.kind === 'rules' ? '奖补规则' : '政策文件'} · ${d.createdBy} · ${shortTime(d.createdAt)}`,
                ),
              ),
            ),
          ),
    );
    render(
      byId('kb-rollback-box'),
      s.rollback
        ? h(
            'div',
            { class: 'row' },
            h('button', { type: 'button', id: 'kb-rollback', onclick: () => confirmRollback() }, '回滚上一次修改'),
            h('span', { class: 'muted' }, `将撤销：${s.rollback.undoes}`),
          )
        : h('p', { class: 'muted' }, '没有可以回滚的修改。'),
    );
    render(
      byId('kb-history'),
      s.history.length === 0
        ? h('p', { class: 'muted empty-row' }, '还没有修改记录。')
        : h(
            'table',
            { class: 'table', id: 'kb-history-table' },
            h('thead', null, h('tr', null, h('th', null, '版本'), h('th', null, '时间'), h('th', null, '人员'), h('th', null, '修改'))),
            h(
              'tbody',
              null,
              s.history.map((v) =>
                h(
                  'tr',
                  { 'data-version': v.version },
                  h('td', { class: 'num' }, String(v.version)),
                  h('td', { class: 'time' }, shortTime(v.at)),
                  h('td', null, v.who),
                  h('td', { title: v.changes.join('\n') }, h('span', { class: 'badge' }, v.actionName), ' ', v.summary),
                ),
              ),
            ),
          ),
    );
  }

  function confirmRollback() {
    const box = byId('kb-rollback-box');
    const undoes = status?.rollback?.undoes ?? '';
    render(
      box,
      h(
        'div',
        { class: 'kb-confirm', role: 'alertdialog', 'aria-label': '确认回滚' },
        h('p', null, `确认回滚？将撤销“${undoes}”，问答立即按回滚后的内容回答。`),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'primary', id: 'kb-rollback-confirm', onclick: () => void rollback() }, '确认回滚'),
          h('button', { type: 'button', onclick: () => renderLists() }, '取消'),
        ),
      ),
    );
    byId('kb-rollback-confirm').focus();
  }

  async function rollback() {
    try {
      const change = await call<KnowledgeChange>('POST', '/v1/staff/knowledge/rollback');
      await applied(change);
      placeholder();
    } catch (error) {
      renderLists();
      render(detail, failed(error, '回滚失败'));
    }
  }

  async function documentAction(docId: string, action: 'publish' | 'unpublish') {
    try {
      await applied(await call<KnowledgeChange>('POST', `/v1/staff/knowledge/documents/${encodeURIComponent(docId)}/${action}`));
      await openDocument(docId);
    } catch (error) {
      render(detail, failed(error, action === 'publish' ? '发布失败' : '下架失败'));
    }
  }

  async function rulesAction(ruleSetId: string, action: 'publish' | 'unpublish') {
    try {
      await applied(await call<KnowledgeChange>('POST', `/v1/staff/knowledge/rules/${encodeURIComponent(ruleSetId)}/${action}`));
    } catch (error) {
      render(detail, failed(error, action === 'publish' ? '发布失败' : '下架失败'));
    }
  }

  // ---- upload ------------------------------------------------------------------------------------

  async function upload() {
    const file = fileInput.files?.[0];
    if (!file) {
      toast('请先选择文件', 'error');
      return;
    }
    const button = byId<HTMLButtonElement>('kb-upload');
    button.disabled = true;
    uploadStatus.textContent = `正在上传并解析 ${file.name}…`;
    try {
      const draft = await call<KnowledgeDraft>('POST', '/v1/staff/knowledge/uploads', {
        fileName: file.name,
        contentBase64: await base64Of(file),
      });
      uploadStatus.textContent = `已生成草稿：${file.name}（尚未发布）`;
      form.reset();
      showDraft(draft);
      await load();
    } catch (error) {
      uploadStatus.textContent = '';
      // A rules file refused by line is shown with those lines marked, as it was chosen.
      const lines = error instanceof KnowledgeApiError ? error.issues.flatMap((i) => (i.line !== undefined ? [i.line] : [])) : [];
      render(
        detail,
        failed(error, '上传失败'),
        lines.length > 0 && /\.ya?ml$/i.test(file.name) ? yamlListing(file.name, await file.text(), lines) : null,
      );
    } finally {
      button.disabled = false;
    }
  }

  // ---- details -----------------------------------------------------------------------------------

  async function openDraft(draftId: string) {
    try {
      showDraft(await call<KnowledgeDraft>('GET', `/v1/staff/knowledge/drafts/${draftId}`));
    } catch (error) {
      render(detail, failed(error, '无法打开草稿'));
    }
  }

  async function openDocument(docId: string) {
    try {
      const preview = await call<DocumentPreview>('GET', `/v1/staff/knowledge/documents/${encodeURIComponent(docId)}`);
      const row = status?.documents.find((d) => d.docId === docId);
      showDocument(preview, row?.status ?? 'published');
    } catch (error) {
      render(detail, failed(error, '无法打开文件'));
    }
  }

  function showDraft(draft: KnowledgeDraft) {
    if (draft.kind === 'rules') showRulesDraft(draft);
    else showDocumentDraft(draft);
  }

  function metaForm(preview: DocumentPreview, editableId: boolean, onSave: (input: MetadataInput) => Promise<void>) {
    const how = new Map(preview.inferred.map((i) => [i.field, i.how]));
    const m = preview.metadata as Record<string, string | undefined>;
    const formats = status?.formats ?? [];
    const metaFormEl = h(
      'form',
      { id: 'kb-meta-form' },
      h(
        'div',
        { class: 'kb-meta' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'kb-meta-docId' }, '编号'),
          h('input', { id: 'kb-meta-docId', name: 'docId', value: preview.metadata.docId, disabled: !editableId, autocomplete: 'off' }),
          h('div', { class: 'hint' }, editableId ? '小写字母、数字和连字符；奖补规则按编号引用' : '已发布文件的编号不能修改'),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'kb-meta-format' }, '格式'),
          h(
            'select',
            { id: 'kb-meta-format', name: 'format' },
            formats.map((f) => h('option', { value: f.value, selected: f.value === preview.format.used }, f.name)),
          ),
          h(
            'div',
            { class: preview.format.guess.confidence < 0.6 ? 'hint inferred' : 'hint' },
            `自动识别：${formats.find((f) => f.value === preview.format.guess.format)?.name ?? preview.format.guess.format}，把握 ${preview.format.guess.confidence.toFixed(2)}`,
          ),
        ),
        META_FIELDS.map((f) =>
          h(
            'div',
            { class: 'field', 'data-field': f.key },
            h('label', { for: `kb-meta-${f.key}` }, f.label),
            h('input', {
              id: `kb-meta-${f.key}`,
              name: f.key,
              type: f.type,
              value: m[f.key] ?? '',
              placeholder: f.placeholder ?? '',
              autocomplete: 'off',
            }),
            how.has(f.key) ? h('div', { class: 'hint inferred' }, `从正文推断：${how.get(f.key)}，请核对`) : null,
          ),
        ),
      ),
      h('div', { class: 'row' }, h('button', { type: 'submit', id: 'kb-meta-save' }, '保存文件信息')),
    );
    metaFormEl.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(metaFormEl);
      const input: Record<string, string | null> = {};
      if (editableId) {
        const id = String(data.get('docId') ?? '').trim();
        if (id !== preview.metadata.docId) input.docId = id;
      }
      const format = String(data.get('format') ?? '');
      if (format && format !== preview.format.used) input.format = format;
      for (const f of META_FIELDS) {
        const value = String(data.get(f.key) ?? '').trim();
        if (value === (m[f.key] ?? '')) continue;
        input[f.key] = value === '' && f.clearable ? null : value;
      }
      if (Object.keys(input).length === 0) {
        toast('文件信息没有变化');
        return;
      }
      void onSave(input as MetadataInput);
    });
    return metaFormEl;
  }

  function clauseTree(preview: DocumentPreview) {
    const items: HTMLElement[] = [];
    let shown: string[] = [];
    for (const c of preview.clauses) {
      let keep = 0;
      while (keep < shown.length && keep < c.path.length && shown[keep] === c.path[keep]) keep++;
      for (let i = keep; i < c.path.length; i++) items.push(h('li', { class: 'path', style: `padding-left:${i * 14}px` }, c.path[i]!));
      shown = c.path;
      items.push(
        h(
          'li',
          { 'data-clause': c.clauseId, style: `padding-left:${c.path.length * 14}px` },
          h('span', { class: 'label' }, c.label),
          ' ',
          c.heading,
          h('span', { class: 'muted' }, ` （${c.length} 字${c.amountsYuan.length ? `；金额 ${c.amountsYuan.map(wan).join('、')}` : ''}）`),
          h('span', { class: 'excerpt' }, c.excerpt),
        ),
      );
    }
    return h(
      'div',
      { class: 'card' },
      h('h3', null, `条款树（${preview.clauses.length} 条）`),
      preview.clauses.length === 0
        ? h('p', { class: 'muted' }, '没有识别出条款。')
        : h('ol', { class: 'kb-tree', id: 'kb-clause-tree' }, items),
    );
  }

  function cleaningReport(preview: DocumentPreview) {
    const c = preview.cleaning;
    return h(
      'div',
      { class: 'card', id: 'kb-cleaning' },
      h('h3', null, '清洗报告'),
      preview.source.notes.length
        ? h(
            'ul',
            { class: 'notes' },
            preview.source.notes.map((n) => h('li', null, n)),
          )
        : null,
      h('p', null, c.rubyAnnotationsStripped > 0 ? `去除拼音注音 ${c.rubyAnnotationsStripped} 处。` : '没有拼音注音。'),
      c.removed.length
        ? h(
            'details',
            null,
            h('summary', null, `去除非正文内容 ${c.removed.length} 处`),
            h(
              'ul',
              null,
              c.removed.map((r) => h('li', null, `[${r.kind}] ${r.text}`)),
            ),
          )
        : h('p', null, '没有去除非正文内容。'),
      c.issues.length
        ? h(
            'ul',
            { class: 'error' },
            c.issues.map((i) =>
              h('li', null, `无法自动修复：“${i.span}”（…${i.context}…）${i.fixedBy ? `，已由勘误修正：${i.fixedBy}` : ''}`),
            ),
          )
        : h('p', { class: 'ok-text' }, '无法自动修复的片段：无。'),
    );
  }

  function showDocumentDraft(draft: DocumentDraft) {
    const blocked = draft.missing.length > 0 || draft.problems.length > 0;
    render(
      detail,
      h(
        'div',
        { class: 'card', id: 'kb-preview', 'data-draft': draft.draftId },
        h('h2', null, draft.metadata.title ?? draft.fileName, ' ', h('span', { class: 'badge warn' }, '草稿 · 未发布')),
        h(
          'p',
          { class: 'muted' },
          `${draft.fileName}（${draft.source.kindName}，${Math.max(1, Math.round(draft.source.bytes / 1024))} KB）· ${draft.createdBy} 上传于 ${shortTime(draft.createdAt)}`,
        ),
        h(
          'p',
          { id: 'kb-format' },
          `格式：${draft.format.usedName}；自动识别把握 ${draft.format.guess.confidence.toFixed(2)}（${draft.format.guess.evidence.filter((e) => !/\b0处$/.test(e)).join('、')}）`,
        ),
        metaForm(draft, true, async (input) => {
          try {
            showDocumentDraft(
              (await call<KnowledgeDraft>('POST', `/v1/staff/knowledge/drafts/${draft.draftId}/metadata`, input)) as DocumentDraft,
            );
            toast('已保存文件信息（尚未发布）');
          } catch (error) {
            toast(error instanceof ApiError ? error.message : '保存失败', 'error');
          }
        }),
        draft.missing.length ? h('p', { class: 'error', id: 'kb-missing' }, `发布前请补全：${draft.missing.join('、')}`) : null,
        draft.problems.length
          ? h(
              'ul',
              { class: 'error', id: 'kb-problems' },
              draft.problems.map((p) => h('li', null, p)),
            )
          : null,
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { type: 'button', class: 'primary', id: 'kb-publish', disabled: blocked, onclick: () => void publish(draft.draftId) },
            '发布（立即生效）',
          ),
          h('button', { type: 'button', id: 'kb-discard', onclick: () => void discard(draft.draftId) }, '删除草稿'),
        ),
      ),
      clauseTree(draft),
      cleaningReport(draft),
    );
  }

  function showDocument(preview: DocumentPreview, state: 'published' | 'unpublished') {
    const docId = preview.metadata.docId;
    render(
      detail,
      h(
        'div',
        { class: 'card', id: 'kb-preview', 'data-doc': docId },
        h(
          'h2',
          null,
          preview.metadata.title ?? docId,
          ' ',
          h('span', { class: `badge ${state === 'published' ? 'ok' : 'muted'}` }, state === 'published' ? '已发布' : '已下架'),
        ),
        h('p', { class: 'muted' }, `格式：${preview.format.usedName}`),
        metaForm(preview, false, async (input) => {
          try {
            await applied(
              await call<KnowledgeChange>('POST', `/v1/staff/knowledge/documents/${encodeURIComponent(docId)}/metadata`, input),
            );
            await openDocument(docId);
          } catch (error) {
            toast(error instanceof ApiError ? error.message : '保存失败', 'error');
          }
        }),
      ),
      clauseTree(preview),
      cleaningReport(preview),
    );
  }

  function showRulesDraft(draft: RulesDraft) {
    const rs = draft.ruleSet;
    const badLines = new Set(draft.problems.map((p) => p.line).filter((l): l is number => l !== undefined));
    const facts = h(
      'form',
      { id: 'kb-try-form' },
      h(
        'div',
        { class: 'kb-meta' },
        rs.facts.map((f) =>
          h(
            'div',
            { class: 'field', 'data-fact': f.id },
            h('label', { for: `kb-try-${f.id}` }, f.label),
            f.type === 'boolean'
              ? h(
                  'select',
                  { id: `kb-try-${f.id}`, name: f.id },
                  h('option', { value: '' }, '（未填）'),
                  h('option', { value: 'true' }, '是'),
                  h('option', { value: 'false' }, '否'),
                )
              : f.options
                ? h(
                    'select',
                    { id: `kb-try-${f.id}`, name: f.id },
                    h('option', { value: '' }, '（未填）'),
                    f.options.map((o) => h('option', { value: o.value }, o.label)),
                  )
                : h('input', {
                    id: `kb-try-${f.id}`,
                    name: f.id,
                    autocomplete: 'off',
                    placeholder: f.type === 'money' ? '如 10万元' : f.type === 'date' ? 'YYYY-MM-DD' : '',
                  }),
          ),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'kb-try-asOf' }, '按哪天测算'),
          h('input', { id: 'kb-try-asOf', name: 'asOf', type: 'date', value: ctx.today() }),
        ),
      ),
      h('div', { class: 'row' }, h('button', { type: 'submit', id: 'kb-try' }, '试算')),
      h('div', { id: 'kb-try-result' }),
    );
    facts.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(facts);
      const input: Record<string, unknown> = {};
      for (const f of rs.facts) {
        const raw = String(data.get(f.id) ?? '').trim();
        if (raw === '') continue;
        input[f.id] = f.type === 'boolean' ? raw === 'true' : f.type === 'year' || f.type === 'integer' ? Number(raw) : raw;
      }
      void tryRules(draft.draftId, input, String(data.get('asOf') ?? '') || ctx.today());
    });
    render(
      detail,
      h(
        'div',
        { class: 'card', id: 'kb-preview', 'data-draft': draft.draftId },
        h('h2', null, rs.title, ' ', h('span', { class: 'badge warn' }, '奖补规则草稿 · 未发布')),
        h(
          'p',
          { class: 'muted' },
          `编号 ${rs.id} · 引用文件 ${rs.docId} · 有效期 ${validity(rs.validity.from, rs.validity.to)} · ${draft.createdBy} 上传于 ${shortTime(draft.createdAt)}`,
        ),
        draft.replaces ? h('p', { class: 'notice' }, '发布后将替换已发布的同编号奖补规则。') : null,
        draft.problems.length
          ? h(
              'ol',
              { class: 'error kb-issues', id: 'kb-problems' },
              draft.problems.map((p) =>
                h('li', null, p.line !== undefined ? `第 ${p.line} 行 ` : '', p.path ? `${p.path}：` : '', p.message),
              ),
            )
          : h('p', { class: 'ok-text' }, '已核对：格式、所引文件和条款、每个金额与比例均出现在所引条款原文中。'),
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, '规则'), h('th', null, '所引条款'), h('th', null, '金额形式'))),
          h(
            'tbody',
            null,
            rs.rules.map((r) =>
              h(
                'tr',
                null,
                h('td', null, r.title, h('div', { class: 'muted' }, r.id)),
                h('td', null, `${r.citation.docId}#${r.citation.clauseId}`),
                h('td', null, AMOUNT_KINDS[r.amountKind] ?? r.amountKind),
              ),
            ),
          ),
        ),
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              id: 'kb-publish',
              disabled: draft.problems.length > 0,
              onclick: () => void publish(draft.draftId),
            },
            '发布（立即生效）',
          ),
          h('button', { type: 'button', id: 'kb-discard', onclick: () => void discard(draft.draftId) }, '删除草稿'),
        ),
      ),
      h('div', { class: 'card' }, h('h3', null, '发布前试算（示例企业情况）'), facts),
      yamlListing(draft.fileName, draft.text, [...badLines]),
    );
  }

  function yamlListing(fileName: string, text: string, badLines: number[]) {
    const bad = new Set(badLines);
    return h(
      'div',
      { class: 'card' },
      h('h3', null, `规则文件 ${fileName}`),
      h(
        'ol',
        { class: 'kb-yaml', id: 'kb-yaml' },
        text.split('\n').map((line, i) => h('li', { class: bad.has(i + 1) ? 'bad' : '' }, line || ' ')),
      ),
    );
  }

  async function tryRules(draftId: string, facts: Record<string, unknown>, asOf: string) {
    const slot = byId('kb-try-result');
    render(slot, h('p', { class: 'muted' }, '正在试算…'));
    try {
      const report = await call<CalculateResponse>('POST', `/v1/staff/knowledge/drafts/${draftId}/calculate`, { facts, asOf });
      render(
        slot,
        h('p', { class: 'read-aloud-text', id: 'kb-try-summary' }, report.summary),
        report.invalidFacts.length
          ? h(
              'ul',
              { class: 'error' },
              report.invalidFacts.map((f) => h('li', null, f.problem)),
            )
          : null,
        h(
          'ul',
          { class: 'conditions' },
          report.results.map((r) => {
            const [label, tone] = RULE_STATUS[r.status] ?? [r.status, 'muted'];
            return h(
              'li',
              { 'data-rule': r.ruleId },
              h('span', { class: `badge ${tone}` }, label),
              ' ',
              h('strong', null, r.title),
              r.eligible ? ` ${yuan(r.amountYuan)}（${r.formula}）` : ` ${r.reasons.join('；')}`,
            );
          }),
        ),
      );
    } catch (error) {
      render(slot, failed(error, '试算失败'));
    }
  }

  async function publish(draftId: string) {
    const button = byId<HTMLButtonElement>('kb-publish');
    button.disabled = true;
    try {
      const change = await call<KnowledgeChange>('POST', `/v1/staff/knowledge/drafts/${draftId}/publish`);
      await applied(change);
      const added = change.status.documents.find((d) => change.version.changes.some((c) => c.includes(d.file)) && d.status === 'published');
      if (added) await openDocument(added.docId);
      else placeholder();
    } catch (error) {
      button.disabled = false;
      detail.prepend(failed(error, '发布失败'));
    }
  }

  async function discard(draftId: string) {
    try {
      await call('DELETE', `/v1/staff/knowledge/drafts/${draftId}`);
      toast('已删除草稿');
      placeholder();
      await load();
    } catch (error) {
      toast(error instanceof ApiError ? error.message : '删除失败', 'error');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void upload();
  });

  return { load, focus: () => fileInput.focus() };
}
