import fp from 'fastify-plugin';
import { openRecordStore } from '../store/open-store.js';
import type { RecordStore } from '../store/record-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The record: Q&A log, feedback and console sign-ins (SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL). */
    qaLog: RecordStore;
  }
}

/** Opens the record store and closes it after the server has stopped taking requests. */
export default fp(
  async (app) => {
    const qaLog = await openRecordStore({ dataDir: app.config.dataDir, databaseUrl: app.config.databaseUrl });
    app.decorate('qaLog', qaLog);
    app.log.info({ store: qaLog.kind, location: qaLog.location }, 'Q&A log opened');
    app.addHook('onClose', async () => {
      await qaLog.close();
      app.log.info('Q&A log closed');
    });
  },
  { name: 'qa-log', dependencies: ['config'] },
);
