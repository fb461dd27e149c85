import { createHash } from 'node:crypto';

/**
 * The service's record: every question and answer (the Q&A log), feedback beside it, and console sign-ins.
 * Two stores keep it behind this one interface — SQLite under DATA_DIR (the embedded default, one instance)
 * and PostgreSQL (DATABASE_URL, shared by every instance) — and one contract test suite
 * (record-store.contract.test.ts) holds both to it.
 */

export interface AskRecord {
  id: string;
  at: number;
  sessionId?: string;
  channel: string;
  question: string;
  kind: string;
  intent: string;
  citations: string[];
  amountsYuan: number[];
  latencyMs: number;
  composer: string;
  injection: boolean;
  guardViolations: number;
}

export interface FeedbackRecord {
  answerId: string;
  helpful: boolean;
  comment?: string;
  /** When it was given (epoch ms); default: now. */
  at?: number;
}

/** A period (epoch ms, both ends included) and how many rows to return. */
export interface RecordRange {
  from: number;
  to: number;
  limit: number;
}

export interface TopQuestion {
  question: string;
  count: number;
  /** The kind of the latest answer to this question. */
  lastKind: string;
}

export interface UnansweredAsk {
  id: string;
  at: number;
  question: string;
  intent: string;
  channel: string;
}

export interface UnhelpfulAnswer {
  answerId: string;
  at: number;
  question: string;
  kind: string;
  comment: string | null;
}

/** One ask for export, with the latest feedback given on it (null when none). */
export interface ExportedAsk extends AskRecord {
  feedback: { at: number; helpful: boolean; comment: string | null } | null;
}

/** A signed-in console user, as kept server-side. */
export interface StaffSession {
  user: string;
  via: 'password' | 'token';
  createdAt: number;
  expiresAt: number;
}

/**
 * Console sign-ins by session id. Callers pass the id the cookie carries; stores keep only its SHA-256.
 * `get` returns a session even after it expired, so the console can say "expired" rather than "sign in".
 */
export interface StaffSessionStore {
  get(id: string): Promise<StaffSession | undefined>;
  set(id: string, session: StaffSession): Promise<void>;
  delete(id: string): Promise<void>;
  /** Forgets sessions that expired before `now`. */
  sweep(now: number): Promise<void>;
}

export interface RecordStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /**
   * Stores a record; resolves once it is committed, and callers send the answer only then, so whatever a
   * caller received is on record even if the process is killed. Records arriving in the same event-loop
   * turn share one commit (group commit): a busy service pays one commit per turn, not one per answer.
   */
  recordAsk(record: AskRecord): Promise<void>;
  /** False when no answer has that id. */
  recordFeedback(feedback: FeedbackRecord): Promise<boolean>;
  topQuestions(range: RecordRange): Promise<TopQuestion[]>;
  /** Out-of-scope answers and questions no clause answered, latest first. */
  unanswered(range: RecordRange): Promise<UnansweredAsk[]>;
  /** Feedback marked unhelpful, latest first. */
  unhelpful(range: RecordRange): Promise<UnhelpfulAnswer[]>;
  count(): Promise<number>;
  /** Every ask in the period, oldest first, read in pages so an export of months does not fill memory. */
  exportAsks(period: { from: number; to: number }): AsyncIterable<ExportedAsk>;
  readonly staffSessions: StaffSessionStore;
  /** Commits what is pending, then closes; records arriving later are rejected. */
  close(): Promise<void>;
}

/** A database URL fit for logs and messages: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Session ids are stored as their SHA-256, so a copy of the database (or of Redis) holds no usable sign-in. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}
