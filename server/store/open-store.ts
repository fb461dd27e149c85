import type { RecordStore } from './record-store.js';

/** The store the configuration asks for: PostgreSQL with DATABASE_URL, else SQLite under DATA_DIR. */
export async function openRecordStore(options: { dataDir: string; databaseUrl?: string }): Promise<RecordStore> {
  if (options.databaseUrl) {
    // Loaded only when configured: the embedded default never needs the PostgreSQL client.
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore(options.databaseUrl);
  }
  const { openSqliteStore } = await import('../qa-log/qa-log.js');
  return openSqliteStore(options.dataDir);
}
