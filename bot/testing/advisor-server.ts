/** Child-process side of advisor-process.ts: starts the test service and prints its port. */
import { buildTestApp } from '../../server/testing/build-test-app.js';

const app = await buildTestApp();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('no port');
process.stdout.write(`listening ${address.port}\n`);

const stop = () => void app.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent holds our stdin open; when it goes away without a signal, so do we.
process.stdin.on('end', stop);
process.stdin.resume();
