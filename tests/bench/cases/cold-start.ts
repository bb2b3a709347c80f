import fs from 'node:fs/promises';
import path from 'node:path';
import { Database } from '../../../db/connection';
import { EmbeddedServer } from '../../../db/embedded';
import { Migrator } from '../../../db/migrator';
import { listUsers } from '../../../db/services/users';
import { compareMedians, goals, type BenchResult, type Sampling } from '../harness';
import { CLUSTER_FOLDER, makeTempDir, startBarePostgres } from '../servers';

/** What one cold start opened, for the untimed clean-up to close. */
interface Opened {
  migrator?: Migrator;
  db?: Database;
}

/**
 * a. The app opening an existing data folder: embedded server up, schema check (nothing
 * pending), first query through the app's connection. Baseline: the bare `postgres` started on
 * the same cluster, until it accepts connections.
 */
export async function coldStart(sampling: Sampling): Promise<BenchResult> {
  const dataDir = await makeTempDir('lms-bench-cold-');
  const server = new EmbeddedServer(dataDir);
  try {
    const { url } = await server.start();
    const migrator = new Migrator({ databaseUrl: url });
    try {
      await migrator.up();
    } finally {
      await migrator.close();
    }
    await server.stop();

    const timings = await compareMedians(
      sampling,
      {
        prepare: async (): Promise<Opened> => ({}),
        run: async (opened) => {
          const { url } = await server.start();
          opened.migrator = new Migrator({ databaseUrl: url });
          const status = await opened.migrator.status();
          if (status.pending.length > 0 || status.problems.length > 0) {
            throw new Error(`the schema check found work to do: ${JSON.stringify(status)}`);
          }
          opened.db = await Database.open(url);
          await listUsers(opened.db, { limit: 50 });
        },
        cleanUp: async (opened) => {
          await opened.migrator?.close();
          await opened.db?.close();
          await server.stop();
        },
      },
      {
        prepare: async (): Promise<{ stop?: () => Promise<void> }> => ({}),
        run: async (started) => {
          started.stop = (await startBarePostgres(path.join(dataDir, CLUSTER_FOLDER))).stop;
        },
        cleanUp: async (started) => {
          await started.stop?.();
        },
      },
    );
    return { name: 'a. cold start', unit: 's', ...timings, goal: goals.atMost(800, 's') };
  } finally {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
