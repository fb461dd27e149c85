import fp from 'fastify-plugin';
import { openQaLog, type QaLog } from '../qa-log/qa-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    qaLog: QaLog;
  }
}

/** Opens the SQLite Q&A log under DATA_DIR and closes it after the server has stopped taking requests. */
export default fp(
  async (app) => {
    const qaLog = openQaLog(app.config.dataDir);
    app.decorate('qaLog', qaLog);
    app.addHook('onClose', async () => {
      qaLog.close();
      app.log.info('Q&A log closed');
    });
  },
  { name: 'qa-log', dependencies: ['config'] },
);
