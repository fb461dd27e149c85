import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { openPostgresStore, StoreUnavailableError } from './postgres-store.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('DATABASE_URL', () => {
  it.each(['mysql://advisor@127.0.0.1/advisor', 'postgres://', '127.0.0.1:5432'])('refuses %s at start-up, naming the variable', (url) => {
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });

  it('stops start-up with a clear message when PostgreSQL cannot be reached, without printing the password', async () => {
    const port = await closedPort();
    const error = await openPostgresStore(`postgres://advisor:s3cret-pw@127.0.0.1:${port}/advisor`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot open the PostgreSQL store at postgres://advisor:\\*\\*\\*@127\\.0\\.0\\.1:${port}/advisor: `),
    );
    expect((error as Error).message).not.toContain('s3cret-pw');
  }, 30_000);
});
