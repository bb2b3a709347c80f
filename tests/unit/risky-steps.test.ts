import { describe, expect, it } from 'vitest';
import { findRiskySteps } from '../../db/migration-authoring/risky-steps';

const kindsOf = async (sql: string) =>
  (await findRiskySteps(sql)).map(({ kind, table, column }) => ({ kind, table, column }));

describe('finding the steps of a migration that lose data or lock a table', () => {
  it('finds drops of tables, columns and types, and type changes, in any statement of a script', async () => {
    expect(
      await kindsOf(`
        DROP TABLE public.notes;
        ALTER TABLE users DROP COLUMN nickname, ALTER COLUMN age TYPE smallint USING age::smallint;
        DROP TYPE mood;`),
    ).toEqual([
      { kind: 'drop-table', table: 'notes', column: null },
      { kind: 'drop-column', table: 'users', column: 'nickname' },
      { kind: 'change-type', table: 'users', column: 'age' },
      { kind: 'drop-type', table: 'mood', column: null },
    ]);
  });

  it('finds NOT NULL set or added without a default, and an index built without CONCURRENTLY', async () => {
    expect(
      await kindsOf(`
        ALTER TABLE users ALTER COLUMN email SET NOT NULL;
        ALTER TABLE users ADD COLUMN code text NOT NULL;
        ALTER TABLE users ADD COLUMN flag boolean NOT NULL DEFAULT false;
        CREATE INDEX users_code_idx ON users (code);
        CREATE INDEX CONCURRENTLY users_flag_idx ON users (flag);`),
    ).toEqual([
      { kind: 'set-not-null', table: 'users', column: 'email' },
      { kind: 'add-not-null-column', table: 'users', column: 'code' },
      { kind: 'blocking-index', table: 'users', column: null },
    ]);
  });

  it('leaves alone what happens to a table the same script creates, and words inside comments and strings', async () => {
    expect(
      await kindsOf(`
        -- DROP TABLE users;
        CREATE TABLE badges (id int);
        CREATE INDEX badges_id_idx ON badges (id);
        ALTER TABLE badges ALTER COLUMN id SET NOT NULL;
        COMMENT ON TABLE badges IS 'DROP TABLE users';`),
    ).toEqual([]);
  });
});
