import { Command } from 'commander';
import { resolveDataDir } from '../data-dir';
import { EmbeddedServer } from '../embedded';
import { UserFacingError } from '../user-facing-error';
import type { CliOutput } from './context';
import { addSeedCommand } from './seed-command';

/** `lms-admin db …`: the embedded PostgreSQL of the data folder (LMS_DATA_DIR). */
export function dbCommand(output: CliOutput): Command {
  const db = new Command('db').description(
    'the embedded PostgreSQL server in the data folder (LMS_DATA_DIR)',
  );
  const server = (): EmbeddedServer => new EmbeddedServer(resolveDataDir());

  db.command('start')
    .description('start the embedded server (creating it on first use) and leave it running')
    .action(async () => {
      const handle = await server().start();
      const created = handle.wasInitializedHere ? 'Created and started' : 'Started';
      output.out(
        handle.wasStartedHere
          ? `${created} the embedded PostgreSQL on 127.0.0.1:${handle.port} (pid ${handle.pid}).`
          : `The embedded PostgreSQL is already running on 127.0.0.1:${handle.port} (pid ${handle.pid}).`,
      );
    });

  db.command('stop')
    .description('stop the embedded server (open transactions roll back)')
    .action(async () => {
      output.out(
        (await server().stop())
          ? 'Stopped the embedded PostgreSQL.'
          : 'The embedded PostgreSQL was not running.',
      );
    });

  db.command('status')
    .description('say whether the embedded server exists and runs, and where')
    .option('--json', 'print machine-readable JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await server().status();
      if (options.json) {
        output.out(
          JSON.stringify(status.state === 'running' ? { ...status, url: undefined } : status),
        );
        return;
      }
      switch (status.state) {
        case 'not-initialized':
          output.out(
            `No embedded database yet in ${status.dataDir}; \`lms-admin db start\` creates one.`,
          );
          break;
        case 'stopped':
          output.out(`The embedded PostgreSQL in ${status.dataDir} is stopped.`);
          break;
        case 'running':
          output.out(
            `The embedded PostgreSQL in ${status.dataDir} is running on 127.0.0.1:${status.port} (pid ${status.pid}).`,
          );
      }
    });

  db.command('url')
    .description('print a psql-ready URL of the running embedded server (it contains the password)')
    .action(async () => {
      const status = await server().status();
      if (status.state !== 'running') {
        throw new UserFacingError(
          'The embedded PostgreSQL is not running: start it with `lms-admin db start`.',
        );
      }
      output.out(status.url);
    });

  addSeedCommand(db, output);
  return db;
}
