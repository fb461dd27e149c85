import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The real advisor service (server/testing/build-test-app.ts) in a child process on a free local port.
 * For tests whose own environment cannot host the service — the mini-program tests run under jsdom,
 * whose browser globals (URL…) the service's modules must not see.
 */
export interface AdvisorProcess {
  url: string;
  stop(): Promise<void>;
}

// path.join, not new URL(): under jsdom the global URL is jsdom's, which fileURLToPath refuses.
const SERVER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'advisor-server.ts');

export async function startAdvisorProcess(timeoutMs = 60_000): Promise<AdvisorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the advisor service did not start in time')), timeoutMs);
    child.once('exit', (code) => reject(new Error(`the advisor service exited with code ${code}`)));
    lines.on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line.trim());
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
