import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { Database, type ActorContext } from '../../../db/connection';
import { copyInto } from '../../../db/copy-rows';
import type { UserRole } from '../../../db/models/enums';
import { seedDemoData } from '../../../db/seed';
import { exportUsersCsv, importUsersCsv } from '../../../db/services/user-csv';
import { compareMedians, goals, type BenchResult, type Sampling, type TimedWork } from '../harness';
import { withMigratedDatabase } from '../servers';

const IMPORT_USERS = 100_000;
/** Per-row creates run at about a thousand rows a second: time this many and scale linearly. */
const CREATE_SUBSET = 10_000;
/** The columns an import writes; the rest (id, timestamps, version) take their defaults. */
const COLUMNS = 'email, full_name, role, is_active, metadata';
/** Who the import's transaction says is acting: an app call from this machine, as the router sets it. */
const ACTOR: ActorContext = { actorId: null, actorIp: '127.0.0.1', source: 'app' };

interface UserFields {
  email: string;
  full_name: string;
  role: UserRole;
  is_active: boolean;
  metadata: Record<string, unknown>;
}

/**
 * g. Importing users from the text of a CSV file through importUsersCsv, inside a transaction of
 * `db.withTransaction` as the router runs it (every row parsed and validated, duplicates and
 * existing emails checked, then one COPY). Baselines: a plain `COPY … FROM STDIN` of the same rows
 * from a buffer in memory (what checking costs), and per-row Sequelize `User.create` of the same
 * rows in one transaction (what the COPY path saves). Every run starts from an empty users table,
 * with all its indexes, after a checkpoint.
 *
 * The rows are seeded demo users, and the file is what the app's own export makes of them.
 */
export async function usersImport(
  userCount: number,
  samplings: { vsCopy: Sampling; vsCreate: Sampling },
): Promise<BenchResult[]> {
  // BENCH_USERS below 100,000 shrinks this case too, for a quick run.
  const rowCount = Math.min(IMPORT_USERS, userCount);
  const createCount = Math.min(CREATE_SUBSET, rowCount);
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedDemoData(db, { users: rowCount, courses: 0 });
      const { csv, rows } = await exportUsersCsv(db, {});
      if (rows !== rowCount) throw new Error(`the export wrote ${rows} of ${rowCount} users`);
      // The same rows in the same (email) order as the file, for each baseline.
      const copyChunks: Buffer[] = [];
      for await (const chunk of client.query(
        copyTo(`COPY (SELECT ${COLUMNS} FROM users ORDER BY email) TO STDOUT`),
      )) {
        if (Buffer.isBuffer(chunk)) copyChunks.push(chunk);
      }
      const { rows: createRows } = await client.query<UserFields>(
        `SELECT ${COLUMNS} FROM users ORDER BY email LIMIT $1`,
        [createCount],
      );

      const emptyTable = async (): Promise<void> => {
        await client.query('TRUNCATE users CASCADE');
        await client.query('CHECKPOINT');
      };
      const fromEmpty = (run: () => Promise<void>): TimedWork<void> => ({
        prepare: emptyTable,
        run,
        cleanUp: async () => undefined,
      });
      const importFile = fromEmpty(async () => {
        const result = await db.withTransaction(ACTOR, (transaction) =>
          importUsersCsv(db, { csv }, transaction),
        );
        if (!result.isWritten || result.created !== rowCount) {
          throw new Error(
            `the import created ${result.created} of ${rowCount} users: ${JSON.stringify(result.problems.slice(0, 3))}`,
          );
        }
      });
      const plainCopy = fromEmpty(async () => {
        await client.query('BEGIN');
        const copied = await copyInto(client, `COPY users (${COLUMNS}) FROM STDIN`, copyChunks);
        await client.query('COMMIT');
        if (copied !== rowCount) throw new Error(`COPY wrote ${copied} of ${rowCount} rows`);
      });
      const perRowCreate = fromEmpty(async () => {
        await db.withTransaction(ACTOR, async (transaction) => {
          for (const row of createRows) {
            await db.models.User.create(
              {
                email: row.email,
                fullName: row.full_name,
                role: row.role,
                isActive: row.is_active,
                metadata: row.metadata,
              },
              { transaction },
            );
          }
        });
      });

      const label = `g. import of ${rowCount.toLocaleString('en-US')} users from CSV`;
      const vsCopy = await compareMedians(samplings.vsCopy, importFile, plainCopy);
      const vsCreate = await compareMedians(samplings.vsCreate, importFile, perRowCreate);
      const scale = rowCount / createCount;
      const createLabel =
        scale === 1
          ? 'per-row User.create'
          : `per-row User.create (timed on ${createCount.toLocaleString('en-US')} rows, scaled ×${scale.toLocaleString('en-US')})`;
      return [
        { name: `${label} vs COPY`, unit: 's', ...vsCopy, goal: goals.ratioAtMost(1.5) },
        {
          name: `${label} vs ${createLabel}`,
          unit: 's',
          valueMs: vsCreate.valueMs,
          baselineMs: vsCreate.baselineMs * scale,
          goal: goals.timesFaster(10),
        },
      ];
    } finally {
      await client.end();
      await db.close();
    }
  });
}
