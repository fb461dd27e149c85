/**
 * Starts the service: `npm start`. Configuration comes from the environment (see README.md and .env.example);
 * a bad value stops start-up with a message naming the variable.
 */
import { buildServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`配置错误，服务未启动：${error.message}`);
    process.exit(78);
  }
  throw error;
}

const app = await buildServer({ config });
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // close() stops accepting, waits for in-flight requests, then runs onClose hooks (Q&A log, sessions).
    // Keep-alive connections that go idle after their last response would otherwise hold it for 72 s.
    const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    sweeper.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

const address = await app.listen({ host: config.host, port: config.port });
app.log.info({ address }, `政策咨询助手已启动：${address}  接口文档：${address}/docs`);
