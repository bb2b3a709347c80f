import fs from 'node:fs/promises';
import pg from 'pg';
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  inject,
  it,
  type TestContext,
} from 'vitest';
import { EmbeddedServer } from '../../db/embedded';
import { MigrationFolder } from '../../db/migration-source';
import { runCli, type CliResult } from '../support/cli-runner';
import { closedLoopbackPort } from '../support/network';
import { isProcessAlive } from '../support/polling';
import { isMainIntegrationProject } from '../support/projects';
import { tempFolderFor, TempFolders } from '../support/temp-folders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** A database of the test's own, dropped when it finishes: these tests run concurrently. */
async function databaseFor(test: Pick<TestContext, 'onTestFinished'>): Promise<TestDatabase> {
  const database = await createTestDatabase();
  test.onTestFinished(() => database.drop());
  return database;
}

/** The test database's URL with one part changed. */
function editedUrl(database: TestDatabase, edit: (url: URL) => void): string {
  const url = new URL(database.url);
  edit(url);
  return url.toString();
}

/** The names of the project's real migrations, which the `migrate` commands apply. */
async function projectMigrationNames(): Promise<string[]> {
  return (await new MigrationFolder().list()).files.map((file) => file.name);
}

async function hasLedger(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
    );
    return rows[0]?.present === true;
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: inject('serverUrl') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

/** The subcommands a `--help` output lists under "Commands:", without commander's own `help`. */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] ?? '')
    .filter((name) => name !== 'help');
}

/**
 * How many `--help` runs go at once. Each is a Node process compiling the CLI; sixty at once
 * (every command of a level) starved the tests beside them on CI's two cores past their timeouts.
 */
const HELP_RUNS_AT_ONCE = 4;

/** `run` over `items`, at most `limit` at a time, results in the items' order. */
async function runAtMost<T, R>(
  limit: number,
  items: readonly T[],
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Says what a run printed when an expectation about it fails. */
const described = (result: CliResult): string =>
  `exit ${result.exitCode}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;

// Each run of the CLI is a process of its own, so most tests here run side by side.
describe.concurrent('lms-admin --help', () => {
  it('exits 0 and prints usage for the program and every command under it', async ({ expect }) => {
    const visited: string[] = [];
    let level: string[][] = [[]];
    while (level.length > 0) {
      const results = await runAtMost(HELP_RUNS_AT_ONCE, level, (path) =>
        runCli([...path, '--help']),
      );
      const next: string[][] = [];
      for (const [index, result] of results.entries()) {
        const path = level[index] ?? [];
        expect(result.exitCode, `${path.join(' ')} --help: ${described(result)}`).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage: lms-admin ${path.join(' ')}`));
        visited.push(path.join(' '));
        next.push(...listedCommands(result.stdout).map((name) => [...path, name]));
      }
      level = next;
    }
    expect(visited).toEqual(
      expect.arrayContaining([
        'migrate up',
        'migrate down',
        'migrate status',
        'migrate current',
        'migrate history',
        'migrate create',
        'db start',
        'db stop',
        'db status',
        'db url',
      ]),
    );
    // Some seventy processes, each compiling the CLI: minutes of CPU on a busy two-core machine.
  }, 300_000);
});

describe.concurrent('migrate on the database named by --database-url', () => {
  const migrate = (database: TestDatabase, ...args: string[]): Promise<CliResult> =>
    runCli(['--database-url', database.url, 'migrate', ...args]);

  it('status --json prints current, applied, pending and problems, and nothing else', async (test) => {
    const database = await databaseFor(test);

    const result = await migrate(database, 'status', '--json');

    test.expect(result.exitCode, described(result)).toBe(0);
    const status: unknown = JSON.parse(result.stdout);
    test.expect(status).toEqual({
      current: null,
      applied: [],
      pending: await projectMigrationNames(),
      problems: [],
    });
    test
      .expect(Object.keys(status as object))
      .toEqual(['current', 'applied', 'pending', 'problems']);
  });

  it('status --json lists each applied migration with name, appliedAt, checksum and executionMs', async (test) => {
    const database = await databaseFor(test);
    const names = await projectMigrationNames();
    test.expect((await migrate(database, 'up')).exitCode).toBe(0);

    const result = await migrate(database, 'status', '--json');

    test.expect(result.exitCode, described(result)).toBe(0);
    const status = JSON.parse(result.stdout) as { applied: Record<string, unknown>[] };
    test.expect(status).toMatchObject({ current: names.at(-1), pending: [], problems: [] });
    test.expect(status.applied.map((entry) => entry.name)).toEqual(names);
    for (const entry of status.applied) {
      test
        .expect(Object.keys(entry))
        .toEqual(expect.arrayContaining(['name', 'appliedAt', 'checksum', 'executionMs']));
      test.expect(new Date(String(entry.appliedAt)).toISOString()).toBe(entry.appliedAt);
      test.expect(entry.checksum).toMatch(/^[0-9a-f]{64}$/);
      test.expect(Number.isInteger(entry.executionMs)).toBe(true);
    }
  });

  it('up applies every pending migration; current then prints the last one', async (test) => {
    const database = await databaseFor(test);
    const names = await projectMigrationNames();

    const up = await migrate(database, 'up');

    test.expect(up.exitCode, described(up)).toBe(0);
    test.expect(up.stdout).toBe(`Applied ${names.length} migration(s).\n`);
    test.expect(up.stderr).toContain(`Applying ${names[0]} (1/${names.length})`);
    const current = await migrate(database, 'current');
    test.expect(current.exitCode, described(current)).toBe(0);
    test.expect(current.stdout).toBe(`${names.at(-1)}\n`);
  });

  it('rejects --step x with exit 1 before touching the database', async (test) => {
    const database = await databaseFor(test);

    const result = await migrate(database, 'down', '--step', 'x');

    test.expect(result.exitCode, described(result)).toBe(1);
    test.expect(result.stderr).toContain("option '--step <n>' argument 'x' is invalid");
    test.expect(result.stderr).not.toContain('    at ');
    test.expect(await hasLedger(database.url)).toBe(false);
  });
});

describe.concurrent('a bad DATABASE_URL', () => {
  const cases: {
    problem: string;
    url: (database: TestDatabase) => Promise<string>;
    says: RegExp;
  }[] = [
    {
      problem: 'a scheme other than postgres://',
      url: async () => 'mysql://root:secret@127.0.0.1:3306/lms',
      says: /^Error: Not a PostgreSQL URL: "mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306\/lms" uses mysql:\/\//,
    },
    {
      problem: 'a port nothing listens on',
      url: async (database) => {
        const port = await closedLoopbackPort();
        return editedUrl(database, (url) => (url.port = String(port)));
      },
      says: /^Error: Can't connect to PostgreSQL at 127\.0\.0\.1:\d+: connection refused\./,
    },
    {
      problem: 'a wrong password',
      url: async (database) => editedUrl(database, (url) => (url.password = 'wrong-password')),
      says: /^Error: PostgreSQL refused the password for /,
    },
    {
      problem: 'a missing database',
      url: async (database) =>
        editedUrl(database, (url) => (url.pathname = `/${database.name}_missing`)),
      says: /^Error: The database "lms_test_\w+_missing" does not exist on 127\.0\.0\.1:\d+\./,
    },
  ];

  it.for(cases)(
    'with $problem, migrate up prints one line naming it, exits 1 and changes nothing',
    async ({ url, says }, test) => {
      const database = await databaseFor(test);
      // The embedded server must not be started instead: an empty LMS_DATA_DIR shows it wasn't.
      const dataDir = await tempFolderFor(test, 'lms-cli-bad-url');

      const result = await runCli(['migrate', 'up'], {
        DATABASE_URL: await url(database),
        LMS_DATA_DIR: dataDir,
      });

      test.expect(result.exitCode, described(result)).toBe(1);
      test.expect(result.stdout).toBe('');
      test.expect(result.stderr).toMatch(says);
      test.expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      test.expect(result.stderr).not.toContain('    at ');
      test.expect(result.stderr).not.toMatch(/secret|wrong-password/);
      test.expect(await fs.readdir(dataDir)).toEqual([]);
      test.expect(await hasLedger(database.url)).toBe(false);
      test.expect(await databaseExists(`${database.name}_missing`)).toBe(false);
    },
  );

  it('an empty --database-url is refused, not taken as leave-it-out', async (test) => {
    const database = await databaseFor(test);
    const dataDir = await tempFolderFor(test, 'lms-cli-bad-url');

    // As from `--database-url "$TYPO"` in a script: falling back to another database would
    // migrate the wrong one.
    const result = await runCli(['--database-url', '', 'migrate', 'up'], {
      DATABASE_URL: database.url,
      LMS_DATA_DIR: dataDir,
    });

    test.expect(result.exitCode, described(result)).toBe(1);
    test.expect(result.stderr).toMatch(/^Error: --database-url is empty/);
    test.expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    test.expect(await hasLedger(database.url)).toBe(false);
    test.expect(await fs.readdir(dataDir)).toEqual([]);
  });

  it('with --verbose, the error comes with its stack trace', async (test) => {
    const database = await databaseFor(test);
    const port = await closedLoopbackPort();

    const result = await runCli(['--verbose', 'migrate', 'up'], {
      DATABASE_URL: editedUrl(database, (url) => (url.port = String(port))),
      LMS_DATA_DIR: await tempFolderFor(test, 'lms-cli-bad-url'),
    });

    test.expect(result.exitCode, described(result)).toBe(1);
    test.expect(result.stderr).toMatch(/^Error: Can't connect to PostgreSQL at 127\.0\.0\.1:/);
    test.expect(result.stderr).toContain('    at ');
  });
});

describe.skipIf(!isMainIntegrationProject())('the embedded server through the CLI', () => {
  // One data folder for these tests, created once (initdb is the slow part); each test starts
  // with its server stopped.
  const sharedFolders = new TempFolders();
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await sharedFolders.make('lms-cli-embedded');
    const server = new EmbeddedServer(dataDir);
    await server.start();
    await server.stop();
  });

  beforeEach(async () => {
    await new EmbeddedServer(dataDir).stop();
  });

  afterAll(async () => {
    await new EmbeddedServer(dataDir).stop();
    await sharedFolders.removeAll();
  });

  const lmsAdmin = (...args: string[]): Promise<CliResult> =>
    runCli(args, { LMS_DATA_DIR: dataDir });

  /** Runs `db start` and returns the port and pid it reports. */
  async function dbStart(): Promise<{ port: number; pid: number }> {
    const result = await lmsAdmin('db', 'start');
    expect(result.exitCode, described(result)).toBe(0);
    const match = /on 127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(result.stdout);
    if (!match) throw new Error(`db start printed no port and pid: ${described(result)}`);
    return { port: Number(match[1]), pid: Number(match[2]) };
  }

  it('db start leaves a server running that db status reports', async () => {
    const { port, pid } = await dbStart();

    const status = await lmsAdmin('db', 'status');

    expect(status.exitCode, described(status)).toBe(0);
    expect(status.stdout).toBe(
      `The embedded PostgreSQL in ${dataDir} is running on 127.0.0.1:${port} (pid ${pid}).\n`,
    );
    expect(isProcessAlive(pid)).toBe(true);
  });

  it('db url prints a URL that a PostgreSQL client can connect with', async () => {
    const { port } = await dbStart();

    const result = await lmsAdmin('db', 'url');

    expect(result.exitCode, described(result)).toBe(0);
    const url = result.stdout.trim();
    expect(url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/lms$`));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT current_database() AS name');
      expect(rows).toEqual([{ name: 'lms' }]);
    } finally {
      await client.end();
    }
  });

  it('db stop stops the server that db start left running', async () => {
    const { pid } = await dbStart();

    const result = await lmsAdmin('db', 'stop');

    expect(result.exitCode, described(result)).toBe(0);
    expect(result.stdout).toBe('Stopped the embedded PostgreSQL.\n');
    expect(isProcessAlive(pid)).toBe(false);
    expect((await lmsAdmin('db', 'status')).stdout).toBe(
      `The embedded PostgreSQL in ${dataDir} is stopped.\n`,
    );
  });

  it('migrate up, which had to start the embedded server, stops it when done', async () => {
    const names = await projectMigrationNames();

    const up = await lmsAdmin('migrate', 'up');

    expect(up.exitCode, described(up)).toBe(0);
    expect(await new EmbeddedServer(dataDir).status()).toEqual({ state: 'stopped', dataDir });
    const current = await lmsAdmin('migrate', 'current');
    expect(current.stdout).toBe(`${names.at(-1)}\n`);
    expect(await new EmbeddedServer(dataDir).status()).toEqual({ state: 'stopped', dataDir });
  });

  it('migrate current leaves running the server that db start started', async () => {
    const { pid } = await dbStart();

    const current = await lmsAdmin('migrate', 'current');

    expect(current.exitCode, described(current)).toBe(0);
    expect(await new EmbeddedServer(dataDir).status()).toMatchObject({ state: 'running', pid });
  });
});
