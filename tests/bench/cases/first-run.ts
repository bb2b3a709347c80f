import fs from 'node:fs/promises';
import path from 'node:path';
import { EmbeddedServer } from '../../../db/embedded';
import { Migrator } from '../../../db/migrator';
import { compareMedians, goals, type BenchResult, type Sampling } from '../harness';
import { makeTempDir, runBareInitdb } from '../servers';

const freshFolder = (): Promise<string> => makeTempDir('lms-bench-first-');
const removeFolder = (dir: string): Promise<void> => fs.rm(dir, { recursive: true, force: true });

/**
 * b. First run on a new machine: an empty data folder to a running, fully migrated server.
 * Baseline: the bare `initdb` of the same binaries with the same flags.
 */
export async function firstRun(sampling: Sampling): Promise<BenchResult> {
  const timings = await compareMedians(
    sampling,
    {
      prepare: freshFolder,
      run: async (dataDir) => {
        const { url } = await new EmbeddedServer(dataDir).start();
        const migrator = new Migrator({ databaseUrl: url });
        try {
          await migrator.up();
        } finally {
          await migrator.close();
        }
      },
      cleanUp: async (dataDir) => {
        await new EmbeddedServer(dataDir).stop();
        await removeFolder(dataDir);
      },
    },
    {
      prepare: freshFolder,
      run: (dir) => runBareInitdb(path.join(dir, 'cluster')),
      cleanUp: removeFolder,
    },
  );
  return { name: 'b. first run (initdb)', unit: 's', ...timings, goal: goals.atMost(1500, 's') };
}
