import { describe, expect, it } from 'vitest';
import {
  databaseNameOf,
  describeDatabaseUrl,
  explainConnectionError,
  parseDatabaseUrl,
  redactDatabaseUrl,
} from '../../db/database-url';
import { UserFacingError } from '../../db/user-facing-error';

/** The UserFacingError `parseDatabaseUrl(raw)` throws; fails the test if it accepts the URL. */
function parseError(raw: string): UserFacingError {
  try {
    parseDatabaseUrl(raw);
  } catch (error) {
    if (error instanceof UserFacingError) return error;
    throw error;
  }
  throw new Error(`expected "${raw}" to be rejected`);
}

/** An error as node-postgres reports it: a Node socket error or a server error, both with `code`. */
function pgError(code: string, message = `failed with ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

const URL_OF_SERVER = new URL('postgres://lms:s3cret@db.example.com:6543/lms_prod');

describe('parseDatabaseUrl', () => {
  it.each(['postgres://lms:pw@127.0.0.1:5432/lms', 'postgresql://lms@db.example.com/lms'])(
    'accepts %s',
    (raw) => {
      expect(parseDatabaseUrl(raw).toString()).toBe(raw);
    },
  );

  it('ignores spaces around the URL, as pasted from a shell or a file', () => {
    expect(parseDatabaseUrl('  postgres://lms@db/lms\n').hostname).toBe('db');
  });

  it('accepts a Unix socket folder given as ?host=, as libpq does', () => {
    const url = parseDatabaseUrl('postgres:///lms?host=/var/run/postgresql');

    expect(describeDatabaseUrl(url)).toBe('(default user)@/var/run/postgresql:5432/lms');
  });

  it('rejects another scheme, naming it and hiding the password', () => {
    const error = parseError('mysql://root:s3cret@db.example.com/lms');

    expect(error.message).toBe(
      'Not a PostgreSQL URL: "mysql://root:***@db.example.com/lms" uses mysql://; expected postgres:// or postgresql://.',
    );
  });

  it('rejects text that is no URL at all, showing the expected form', () => {
    expect(parseError('localhost:5432/lms').message).toMatch(
      /^Not a (valid database|PostgreSQL) URL/,
    );
    expect(parseError('not a url').message).toBe(
      'Not a valid database URL: "not a url". Expected postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  });

  it('rejects a URL that names no database', () => {
    expect(parseError('postgres://lms:pw@db.example.com:5432').message).toContain(
      'names no database (add /DATABASE at the end)',
    );
    expect(parseError('postgres://lms:pw@db.example.com:5432/').message).toContain(
      'names no database',
    );
  });

  it('rejects a URL that names no host', () => {
    expect(parseError('postgres:///lms').message).toBe(
      'The database URL "postgres:///lms" names no host.',
    );
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password', () => {
    expect(redactDatabaseUrl('postgres://lms:s3cret@db.example.com:5432/lms')).toBe(
      'postgres://lms:***@db.example.com:5432/lms',
    );
  });

  it('hides all of a password that holds an unencoded @', () => {
    expect(redactDatabaseUrl('postgres://lms:p@ss@word@db.example.com/lms')).toBe(
      'postgres://lms:***@db.example.com/lms',
    );
  });

  it('hides all of a password that holds an unencoded /, which breaks the URL', () => {
    expect(redactDatabaseUrl('postgres://lms:pa/ss@db.example.com/lms')).toBe(
      'postgres://lms:***@db.example.com/lms',
    );
  });

  it('hides a password given as a query parameter', () => {
    expect(redactDatabaseUrl('postgres://lms@db/lms?sslmode=require&password=s3cret')).toBe(
      'postgres://lms@db/lms?sslmode=require&password=***',
    );
  });

  it('leaves a URL without a password as it is', () => {
    const raw = 'postgres://lms@db.example.com:5432/lms?sslmode=require';

    expect(redactDatabaseUrl(raw)).toBe(raw);
  });
});

describe('databaseNameOf', () => {
  it('decodes the percent-encoding of the database name', () => {
    expect(databaseNameOf(new URL('postgres://db/lms%20%C3%A9cole?sslmode=require'))).toBe(
      'lms école',
    );
  });
});

describe('describeDatabaseUrl', () => {
  it('says user@host:port/database, without the password', () => {
    expect(describeDatabaseUrl(URL_OF_SERVER)).toBe('lms@db.example.com:6543/lms_prod');
  });

  it('fills in the default port and user, and decodes percent-encoding', () => {
    expect(describeDatabaseUrl(new URL('postgres://db.example.com/lms%20prod'))).toBe(
      '(default user)@db.example.com:5432/lms prod',
    );
  });

  it('shows a broken percent-encoding as written rather than failing', () => {
    expect(describeDatabaseUrl(new URL('postgres://us%zzer@db/d%zz'))).toBe('us%zzer@db:5432/d%zz');
  });
});

describe('explainConnectionError', () => {
  it.each([
    ['ECONNREFUSED', "Can't connect to PostgreSQL at db.example.com:6543: connection refused."],
    ['ENOTFOUND', 'unknown host "db.example.com". Check the host in the database URL.'],
    ['EAI_AGAIN', 'unknown host "db.example.com"'],
    ['ETIMEDOUT', "Can't connect to PostgreSQL at db.example.com:6543: timed out."],
    ['28P01', 'PostgreSQL refused the password for lms@db.example.com:6543/lms_prod.'],
    [
      '3D000',
      'The database "lms_prod" does not exist on db.example.com:6543. Create it (createdb)',
    ],
    ['57P03', 'is starting up or shutting down; try again in a moment.'],
  ])('explains %s in one line, saying what to do', (code, says) => {
    const explained = explainConnectionError(pgError(code), URL_OF_SERVER);

    expect(explained).toBeInstanceOf(UserFacingError);
    expect(explained.message).toContain(says);
    expect(explained.message).not.toContain('\n');
    expect(explained.message).not.toContain('s3cret');
  });

  it("explains node-postgres's own connect timeout as timed out", () => {
    const explained = explainConnectionError(new Error('timeout expired'), URL_OF_SERVER);

    expect(explained.message).toBe(
      "Can't connect to PostgreSQL at db.example.com:6543: timed out. Check the host, port and firewall.",
    );
  });

  it('passes on the server message of a refused connection (28000), pointing at pg_hba.conf', () => {
    const explained = explainConnectionError(
      pgError('28000', 'no pg_hba.conf entry for host "10.0.0.7"'),
      URL_OF_SERVER,
    );

    expect(explained.message).toBe(
      'PostgreSQL refused the connection for lms@db.example.com:6543/lms_prod: no pg_hba.conf entry for host "10.0.0.7". Check the user, or the server\'s pg_hba.conf.',
    );
  });

  it('keeps the message of an error it has no words for, naming the server', () => {
    const explained = explainConnectionError(pgError('EPROTO', 'SSL alert'), URL_OF_SERVER);

    expect(explained).toBeInstanceOf(UserFacingError);
    expect(explained.message).toBe(
      "Can't connect to PostgreSQL (lms@db.example.com:6543/lms_prod): SSL alert",
    );
  });

  it('returns a UserFacingError it is given as it is', () => {
    const original = new UserFacingError('already explained');

    expect(explainConnectionError(original, URL_OF_SERVER)).toBe(original);
  });
});
