import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

/**
 * Throw-away PostgreSQL clusters for tests, started the way server/testing/redis-server.ts starts Redis:
 * Debian's binaries (`postgresql` package; .ci/run installs it), a fresh data folder, a free loopback port,
 * no persistence worth keeping. With TEST_DATABASE_URL set (by .ci/run, which starts one cluster for the
 * whole run) tests use that server instead of starting their own.
 */

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** initdb and postgres from PATH, else from Debian's /usr/lib/postgresql/<version>/bin (newest first). */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const onPath = (name: string) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
  if (onPath('initdb') && onPath('postgres')) return { initdb: 'initdb', postgres: 'postgres' };
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'postgres'))) {
      return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
    }
  }
  return undefined;
}

/** True when tests can reach PostgreSQL: a TEST_DATABASE_URL, or binaries to start a cluster with. */
export function postgresAvailable(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL) || findPostgresBinaries() !== undefined;
}

/** Why PostgreSQL tests are skipped on this machine, for the skipped test's title. */
export const POSTGRES_MISSING =
  'skipped: no PostgreSQL here (no TEST_DATABASE_URL, no initdb/postgres on PATH or in /usr/lib/postgresql); apt-get install postgresql';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: under root the cluster runs as the `postgres` account (or nobody). */
function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root, and neither a postgres nor a nobody account exists to run PostgreSQL as');
}

export interface PostgresServer {
  /** A superuser URL of the server's `postgres` database. */
  adminUrl: string;
  /** Creates an empty database and returns its URL: one per test keeps tests independent. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

let databaseCounter = 0;

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function serverOn(adminUrl: string, stopCluster: () => Promise<void>): PostgresServer {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  return {
    adminUrl,
    async createDatabase() {
      const name = `advisor_test_${process.pid}_${Date.now().toString(36)}_${++databaseCounter}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      return withDatabase(adminUrl, name);
    },
    async stop() {
      await admin.end({ timeout: 1 });
      await stopCluster();
    },
  };
}

/**
 * A PostgreSQL server for a test file: TEST_DATABASE_URL when set, otherwise a new cluster (initdb into a
 * temp folder, postgres on a free loopback port, trust authentication, fsync off) stopped and deleted by stop().
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (process.env.TEST_DATABASE_URL) return serverOn(process.env.TEST_DATABASE_URL, async () => {});
  const binaries = findPostgresBinaries();
  if (!binaries) throw new Error(POSTGRES_MISSING);
  const ids = unprivilegedIds();
  const root = mkdtempSync(path.join(tmpdir(), 'advisor-pg-'));
  if (ids) chownSync(root, ids.uid, ids.gid);
  const dataDir = path.join(root, 'data');
  const asOwner = { cwd: root, ...(ids ?? {}) };

  const init = spawnSync(binaries.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], {
    ...asOwner,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);

  const port = await freePort();
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${root}`, '-c', 'fsync=off'],
    { ...asOwner, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start:\n${output.join('')}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}:\n${output.join('')}`));
    });
  });
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();

  return serverOn(`postgres://postgres@127.0.0.1:${port}/postgres`, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGQUIT: immediate shutdown; nothing in a throw-away cluster is worth a checkpoint.
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      });
    }
    rmSync(root, { recursive: true, force: true });
  });
}
