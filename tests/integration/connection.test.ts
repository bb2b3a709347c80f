import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database, type ActorContext } from '../../db/connection';
import { UserFacingError } from '../../db/user-facing-error';
import { closedLoopbackPort, startSilentServer } from '../support/network';
import { rejectionOf } from '../support/rejection';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ACTOR: ActorContext = {
  actorId: '5b0c7a52-3c3e-4a7e-9f5e-2f8a1d4c6b01',
  actorIp: '192.0.2.10',
  source: 'cli',
};

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

/** The error `Database.open(url)` rejects with; fails the test if it connects. */
async function openError(url: string): Promise<Error> {
  return rejectionOf(Database.open(url).then((opened) => opened.close()));
}

function withUrl(edit: (url: URL) => void): string {
  const url = new URL(database.url);
  edit(url);
  return url.toString();
}

describe('Database.open', () => {
  it('connects to a reachable database with the right credentials', async () => {
    const opened = await Database.open(database.url);
    try {
      const [rows] = await opened.sequelize.query('SELECT current_database() AS name');
      expect(rows).toEqual([{ name: database.name }]);
    } finally {
      await opened.close();
    }
  });

  it('opens a database whose name has to be percent-encoded in the URL', async () => {
    const name = `${database.name} école`;
    const admin = new pg.Client({ connectionString: inject('serverUrl') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      const opened = await Database.open(
        withUrl((url) => (url.pathname = `/${encodeURIComponent(name)}`)),
      );
      try {
        const [rows] = await opened.sequelize.query('SELECT current_database() AS name');
        expect(rows).toEqual([{ name }]);
      } finally {
        await opened.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('refuses a wrong password with one line naming the password', async () => {
    const error = await openError(withUrl((url) => (url.password = 'not-the-password')));

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(/^PostgreSQL refused the password for \S+@127\.0\.0\.1:\d+\//);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('not-the-password');
  });

  it('refuses a missing database with one line naming it', async () => {
    const error = await openError(withUrl((url) => (url.pathname = '/no_such_database')));

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(
      /^The database "no_such_database" does not exist on 127\.0\.0\.1:/,
    );
    expect(error.message).not.toContain('\n');
  });

  it('refuses a port nothing listens on with one line saying the connection was refused', async () => {
    const port = await closedLoopbackPort();

    const error = await openError(withUrl((url) => (url.port = String(port))));

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toBe(
      `Can't connect to PostgreSQL at 127.0.0.1:${port}: connection refused. Is the server running, and is the port right?`,
    );
  });

  it('gives up on a server that never answers, with one line saying it timed out', async () => {
    const silent = await startSilentServer();
    try {
      const url = withUrl((edited) => (edited.port = String(silent.port)));

      const error = await rejectionOf(Database.open(url, { connectTimeoutMs: 300 }));

      expect(error).toBeInstanceOf(UserFacingError);
      expect(error.message).toBe(
        `Can't connect to PostgreSQL at 127.0.0.1:${silent.port}: timed out. Check the host, port and firewall.`,
      );
    } finally {
      await silent.close();
    }
  });

  it('refuses a URL that is not a PostgreSQL URL with one line naming its scheme', async () => {
    const error = await openError('mysql://root:secret@127.0.0.1:3306/lms');

    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(/^Not a PostgreSQL URL: .* uses mysql:\/\//);
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toContain('\n');
  });
});

describe('Database.withTransaction', () => {
  // One connection, so "after the transaction" is read on the very session that ran it.
  let db: Database;

  beforeAll(async () => {
    db = await Database.open(database.url, { poolMax: 1 });
    await db.sequelize.query('CREATE TABLE notes (body text NOT NULL)');
  });

  afterAll(async () => {
    await db.close();
  });

  async function actorSettings(
    transaction?: Parameters<Parameters<Database['withTransaction']>[1]>[0],
  ): Promise<Record<string, unknown>> {
    const [rows] = await db.sequelize.query(
      `SELECT current_setting('lms.actor_id', true) AS actor_id,
              current_setting('lms.actor_ip', true) AS actor_ip,
              current_setting('lms.source', true) AS source`,
      transaction ? { transaction } : {},
    );
    const [row] = rows;
    if (typeof row !== 'object' || row === null) throw new Error('no row of settings');
    return { ...row };
  }

  it('sets lms.actor_id, lms.actor_ip and lms.source for the work inside it', async () => {
    const inside = await db.withTransaction(ACTOR, (transaction) => actorSettings(transaction));

    expect(inside).toEqual({ actor_id: ACTOR.actorId, actor_ip: ACTOR.actorIp, source: 'cli' });
  });

  it('leaves no actor setting behind once the transaction has committed', async () => {
    await db.withTransaction(ACTOR, async () => undefined);

    const after = await actorSettings();

    // A setting first made by SET LOCAL reads back as '' (not NULL) in that session afterwards.
    for (const value of Object.values(after)) expect(['', null]).toContain(value);
  });

  it('rolls back the work done inside it when the work throws', async () => {
    const failure = new Error('the work failed half-way');

    const outcome = db.withTransaction(ACTOR, async (transaction) => {
      await db.sequelize.query("INSERT INTO notes (body) VALUES ('never kept')", { transaction });
      throw failure;
    });

    await expect(outcome).rejects.toBe(failure);
    const [rows] = await db.sequelize.query('SELECT count(*)::int AS count FROM notes');
    expect(rows).toEqual([{ count: 0 }]);
  });

  it('commits the work done inside it and returns its result', async () => {
    const result = await db.withTransaction(ACTOR, async (transaction) => {
      await db.sequelize.query("INSERT INTO notes (body) VALUES ('kept')", { transaction });
      return 'done';
    });

    expect(result).toBe('done');
    const [rows] = await db.sequelize.query("SELECT body FROM notes WHERE body = 'kept'");
    expect(rows).toEqual([{ body: 'kept' }]);
  });
});
