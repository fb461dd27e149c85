import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import type { Sql } from 'postgres';

/**
 * Versioned schema migrations: numbered SQL files (`migrations/<dialect>/001_name.sql`), applied in order,
 * each recorded in `schema_migrations` with a checksum, all pending ones in one transaction. A migration
 * already applied is never edited: the checksum catches that at start-up, before it can leave two
 * instances with different schemas. Add the next number instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export type Dialect = 'sqlite' | 'postgres';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The migrations of a dialect, in order; numbers must run 1, 2, 3… without gaps or repeats. */
export function loadMigrations(dialect: Dialect, dir = path.join(MIGRATIONS_DIR, dialect)): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(`${dialect} migration ${file}: name it NNN_lower_case_name.sql`);
      // Line endings normalised, so a checkout with CRLF does not look like an edited migration.
      const sql = readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
      return { version: Number(match[1]), name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`${dialect} migrations: expected number ${i + 1}, found ${m.version} (${m.name})`);
  });
  return migrations;
}

interface AppliedRow {
  version: number;
  checksum: string;
}

/** The migrations still to apply, after checking the applied ones are the files as they are now. */
function pending(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const byVersion = new Map(applied.map((row) => [Number(row.version), row.checksum]));
  for (const m of migrations) {
    const checksum = byVersion.get(m.version);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new MigrationError(
        `migration ${String(m.version).padStart(3, '0')}_${m.name}.sql was changed after it was applied; ` +
          'restore it and put the change in a new numbered migration',
      );
    }
  }
  return migrations.filter((m) => !byVersion.has(m.version));
}

/** Applies pending migrations to a SQLite file; returns the versions applied. */
export function migrateSqlite(db: Database, migrations = loadMigrations('sqlite')): number[] {
  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const todo = pending(migrations, db.prepare('SELECT version, checksum FROM schema_migrations').all() as AppliedRow[]);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    for (const m of todo) {
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, Date.now());
    }
    return todo.map((m) => m.version);
  });
  // IMMEDIATE: the write lock is taken before reading what was applied, so two processes opening the same
  // file at once cannot both decide to apply the same migration.
  return apply.immediate();
}

/** Any number: it only has to be the same in every instance, and unlikely to be used by anything else. */
const MIGRATION_LOCK = 7_310_170_317;

/** Applies pending migrations to a PostgreSQL database; returns the versions applied. */
export async function migratePostgres(sql: Sql, migrations = loadMigrations('postgres')): Promise<number[]> {
  return sql.begin(async (tx) => {
    // Instances starting together wait here for one another instead of racing to create the same tables.
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK}::bigint)`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at bigint NOT NULL)`;
    const todo = pending(migrations, await tx<AppliedRow[]>`SELECT version, checksum FROM schema_migrations`);
    for (const m of todo) {
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (${m.version}, ${m.name}, ${m.checksum}, ${Date.now()})`;
    }
    return todo.map((m) => m.version);
  });
}
