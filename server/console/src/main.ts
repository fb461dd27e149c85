/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The hotline console's browser script: sign-in, six screens (问答 检索 测算 浏览 洞察 知识库) and keyboard shortcuts.
 * Compiled by the service at start-up (esbuild, in memory) and served at /console/app.js.
 */
import { api, ApiError, whenUnauthorized } from './api.js';
import { byId, isTyping, toast } from './dom.js';
import { clockTime, chinaToday } from './format.js';
import { askScreen } from './screens/ask.js';
import { browseScreen } from './screens/browse.js';
import { calculateScreen } from './screens/calculate.js';
import { insightsScreen } from './screens/insights.js';
import { knowledgeScreen } from './screens/knowledge.js';
import { searchScreen } from './screens/search.js';
import type { Base, Clause, Document, StaffSession } from './types.js';

export interface ConsoleContext {
  /** Today in China as the service answers and calculates (YYYY-MM-DD). */
  today(): string;
  documents: Document[];
  /** The base the service answers for: its name, sample questions and search terms, clause link. */
  base?: Base;
  documentClauses(docId: string): Promise<Clause[]>;
  /** Position of each clause in its document, for telling the clause before from the one after. */
  clauseIndex(docId: string): Promise<Map<string, number>>;
  /** A clause's label (三（一）3) when its document is loaded, else its id. */
  clauseLabel(docId: string, clauseId: string): string;
  openClause(docId: string, clauseId: string): void;
}

const TABS = ['ask', 'search', 'calculate', 'browse', 'insights', 'knowledge'] as const;
type Tab = (typeof TABS)[number];

let session: StaffSession | undefined;
let expiryTimer: number | undefined;
const clauseCache = new Map<string, Promise<Clause[]>>();
const loadedClauses = new Map<string, Clause[]>();

const ctx: ConsoleContext = {
  // The service's day (its clock), which the answers and the Q&A log use; this computer's only before sign-in.
  today: () => session?.today ?? chinaToday(),
  documents: [],
  documentClauses(docId) {
    let cached = clauseCache.get(docId);
    if (!cached) {
      cached = api<{ clauses: Clause[] }>('GET', `/v1/policies/${encodeURIComponent(docId)}`).then((body) => {
        loadedClauses.set(docId, body.clauses);
        return body.clauses;
      });
      cached.catch(() => clauseCache.delete(docId));
      clauseCache.set(docId, cached);
    }
    return cached;
  },
  async clauseIndex(docId) {
    return new Map((await ctx.documentClauses(docId)).map((c, i) => [c.clauseId, i]));
  },
  clauseLabel(docId, clauseId) {
    return loadedClauses.get(docId)?.find((c) => c.clauseId === clauseId)?.label ?? clauseId;
  },
  openClause(docId, clauseId) {
    switchTab('search');
    void screens.search.open(docId, clauseId);
  },
};

const screens = {
  ask: askScreen(ctx),
  search: searchScreen(ctx),
  calculate: calculateScreen(ctx),
  browse: browseScreen(ctx),
  insights: insightsScreen(ctx),
  knowledge: knowledgeScreen(ctx),
};
let active: Tab = 'ask';

function switchTab(tab: Tab, focus = true) {
  active = tab;
  for (const name of TABS) {
    const button = byId(`tab-${name}`);
    button.setAttribute('aria-selected', String(name === tab));
    button.tabIndex = name === tab ? 0 : -1;
    byId(`screen-${name}`).hidden = name !== tab;
  }
  if (tab === 'ask') screens.ask.load();
  if (tab === 'search') screens.search.load();
  if (tab === 'calculate') void screens.calculate.load();
  if (tab === 'browse') screens.browse.load();
  if (tab === 'insights') void screens.insights.load();
  if (tab === 'knowledge') void screens.knowledge.load();
  if (focus) screens[tab].focus();
  history.replaceState(null, '', `#${tab}`);
}

// ---- sign-in -------------------------------------------------------------------------------------------

const methods = (document.documentElement.dataset.signIn ?? '').split(' ').filter(Boolean);

function showSignIn(message?: string) {
  const overlay = byId('sign-in');
  overlay.hidden = false;
  byId('app').setAttribute('aria-hidden', 'true');
  byId('sign-in-message').textContent = message ?? '';
  byId('sign-in-message').hidden = !message;
  byId('sign-in-error').textContent = '';
  const first = overlay.querySelector<HTMLInputElement>('form:not([hidden]) input');
  first?.focus();
}

async function signedIn(body: StaffSession) {
  session = body;
  byId('sign-in').hidden = true;
  const app = byId('app');
  app.hidden = false;
  app.removeAttribute('aria-hidden');
  byId('who-name').textContent = body.user;
  byId('who-expires').textContent = `登录有效至 ${clockTime(body.expiresAt)}`;
  window.clearTimeout(expiryTimer);
  const ms = Date.parse(body.expiresAt) - Date.now();
  // Browsers cap timers at ~24.8 days; sessions are at most a day.
  expiryTimer = window.setTimeout(() => void checkSession(), Math.max(1000, Math.min(ms + 1000, 2 ** 31 - 1)));
  if (ctx.documents.length === 0) {
    try {
      const body = await api<{ documents: Document[]; base: Base }>('GET', '/v1/policies');
      ctx.documents.push(...body.documents);
      ctx.base = body.base;
      if (ctx.documents[0]) void ctx.documentClauses(ctx.documents[0].docId);
    } catch {
      toast('无法加载政策文件列表', 'error');
    }
  }
  const fromHash = location.hash.slice(1) as Tab;
  switchTab(TABS.includes(fromHash) ? fromHash : active);
}

async function checkSession() {
  try {
    await signedIn(await api<StaffSession>('GET', '/v1/staff/session'));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) toast('无法连接服务', 'error');
  }
}

whenUnauthorized((error) => {
  if (!session) return;
  // The browser drops the cookie at expiry (Max-Age), so an expired session usually arrives as plain 401.
  const expired = error.code === 'session_expired' || Date.now() >= Date.parse(session.expiresAt) - 5_000;
  session = undefined;
  showSignIn(expired ? '登录已过期，请重新登录（页面内容已保留）。' : '登录已失效（可能服务已重启），请重新登录（页面内容已保留）。');
});

function setupSignIn() {
  const passwordForm = byId<HTMLFormElement>('sign-in-password');
  const tokenForm = byId<HTMLFormElement>('sign-in-token');
  const switcher = byId('sign-in-switch');
  passwordForm.hidden = !methods.includes('password');
  tokenForm.hidden = methods.includes('password') || !methods.includes('token');
  if (methods.includes('password') && methods.includes('token')) {
    switcher.hidden = false;
    switcher.addEventListener('click', () => {
      passwordForm.hidden = !passwordForm.hidden;
      tokenForm.hidden = !tokenForm.hidden;
      switcher.textContent = passwordForm.hidden ? '改用坐席账号登录' : '改用共享令牌登录';
      byId('sign-in-error').textContent = '';
      document.querySelector<HTMLInputElement>('#sign-in form:not([hidden]) input')?.focus();
    });
  }
  const submit = async (form: HTMLFormElement, body: Record<string, string>) => {
    const error = byId('sign-in-error');
    error.textContent = '';
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      await signedIn(await api<StaffSession>('POST', '/v1/staff/session', body));
      form.reset();
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : '登录失败';
      form.querySelector<HTMLInputElement>('input[type=password]')?.select();
    } finally {
      if (button) button.disabled = false;
    }
  };
  passwordForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(passwordForm);
    void submit(passwordForm, { username: String(data.get('username') ?? ''), password: String(data.get('password') ?? '') });
  });
  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(tokenForm, { token: String(new FormData(tokenForm).get('token') ?? '') });
  });
  byId('sign-out').addEventListener('click', async () => {
    try {
      await api('DELETE', '/v1/staff/session');
    } catch {
      // already signed out
    }
    // A fresh page: nothing of this agent's calls stays on a shared workstation.
    session = undefined;
    location.replace('/console');
  });
}

// ---- keyboard ------------------------------------------------------------------------------------------

function toggleHelp(show = byId('help').hidden) {
  byId('help').hidden = !show;
  if (show) byId('help-close').focus();
}

document.addEventListener('keydown', (e) => {
  if (!session) return;
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    const digit = /^Digit([1-6])$/.exec(e.code);
    if (digit) {
      e.preventDefault();
      switchTab(TABS[Number(digit[1]) - 1]!);
      return;
    }
    const key = e.code.replace(/^Key/, '').toLowerCase();
    const action = screens.ask.shortcuts[key];
    if (action) {
      e.preventDefault();
      if (active !== 'ask') switchTab('ask', false);
      void action();
    }
    return;
  }
  if (e.key === 'Escape' && !byId('help').hidden) {
    toggleHelp(false);
    return;
  }
  if (isTyping(e.target) || e.ctrlKey || e.metaKey) return;
  if (e.key === '/') {
    e.preventDefault();
    screens[active].focus();
  } else if (e.key === '?' || e.key === '？') {
    e.preventDefault();
    toggleHelp();
  }
});

for (const [i, name] of TABS.entries()) {
  byId(`tab-${name}`).addEventListener('click', () => switchTab(name));
  byId(`tab-${name}`).title = `Alt+${i + 1}`;
}
byId('help-button').addEventListener('click', () => toggleHelp());
byId('help-close').addEventListener('click', () => toggleHelp(false));
setupSignIn();
byId('boot').hidden = true;

try {
  await signedIn(await api<StaffSession>('GET', '/v1/staff/session'));
} catch (error) {
  showSignIn(error instanceof ApiError && error.status !== 401 ? error.message : undefined);
}
