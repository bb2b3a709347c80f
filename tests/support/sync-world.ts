import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { ChangeSource, Database } from '../../db/connection';
import { SYNCED_TABLES } from '../../db/services/sync/synced-tables';
import { createMigratedDatabase, type TestDatabase } from './test-database';

/** One database of a sync test: its URL and an open `Database`. */
export interface SyncNode {
  name: string;
  database: TestDatabase;
  db: Database;
}

/** A central server and local working copies (not linked yet), each a database of its own. */
export interface SyncWorld {
  central: SyncNode;
  replicas: SyncNode[];
  close(): Promise<void>;
}

async function openNode(name: string): Promise<SyncNode> {
  const database = await createMigratedDatabase();
  return { name, database, db: await Database.open(database.url) };
}

export async function createSyncWorld(replicaCount: number): Promise<SyncWorld> {
  const central = await openNode('central');
  const replicas: SyncNode[] = [];
  for (let index = 0; index < replicaCount; index++) {
    replicas.push(await openNode(`replica ${String.fromCharCode(65 + index)}`));
  }
  return {
    central,
    replicas,
    close: async () => {
      for (const node of [central, ...replicas]) {
        await node.db.close();
        await node.database.drop();
      }
    },
  };
}

/** Runs SQL as a person's change through the app would (source `app`), in one transaction. */
export async function changeAsApp(
  db: Database,
  sql: string,
  bind: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  return db.withTransaction(
    { actorId: null, actorIp: null, source: ChangeSource.app },
    (transaction) =>
      db.sequelize.query<Record<string, unknown>>(sql, {
        bind,
        type: QueryTypes.SELECT,
        transaction,
      }),
  );
}

/** Every synced row of a database, `table:id` → row as JSON text (for comparing copies). */
export async function snapshotRows(url: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET TimeZone = 'UTC'`);
    const rows = new Map<string, string>();
    for (const table of SYNCED_TABLES) {
      const result = await client.query<{ id: string; image: string }>(
        `SELECT id::text, to_jsonb(t)::text AS image FROM ${table} t`,
      );
      for (const row of result.rows) rows.set(`${table}:${row.id}`, row.image);
    }
    return rows;
  } finally {
    await client.end();
  }
}

/** The keys whose rows differ between two snapshots (present on one side only, or different). */
export function differingKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((key) => a.get(key) !== b.get(key)).sort();
}

/** The one value of a one-row query. */
export async function queryValue<T>(db: Database, sql: string, bind: unknown[] = []): Promise<T> {
  const rows = await db.select<{ value: T }>(sql, bind);
  if (!rows[0]) throw new Error(`no row from ${sql}`);
  return rows[0].value;
}
