import { Command } from 'commander';
import { z } from 'zod';
import { MigrationFolder } from '../migration-source';
import { describeMigrationStatus } from '../services/migrations';
import { describeProblem, Migrator, type MigrationStatus } from '../migrator';
import { parseWith, wholeNumber, withDatabaseTarget, type CliOutput } from './context';

const lockTimeoutSeconds = z.coerce
  .number({ message: 'expected a number of seconds' })
  .min(0, { message: 'expected a number of seconds, 0 or more' });

const downTarget = z.union([z.literal('0').transform(() => 0 as const), z.string().min(1)]);

interface LockOptions {
  lockTimeout: number;
}

/** `lms-admin migrate …`: apply, revert and inspect migrations. */
export function migrateCommand(output: CliOutput): Command {
  const migrate = new Command('migrate').description('apply, revert and inspect schema migrations');

  const withMigrator = <T>(
    command: Command,
    lockTimeoutSec: number,
    work: (migrator: Migrator) => Promise<T>,
  ): Promise<T> =>
    withDatabaseTarget(command, async (target) => {
      const migrator = new Migrator({
        databaseUrl: target.url,
        lockTimeoutMs: lockTimeoutSec * 1000,
      });
      migrator.on('lock-waiting', ({ timeoutMs }) =>
        output.err(
          `Another process is migrating this database; waiting up to ${timeoutMs / 1000} s…`,
        ),
      );
      migrator.on('migrating', ({ name, index, total }) =>
        output.err(`Applying ${name} (${index}/${total})…`),
      );
      migrator.on('migrated', ({ name, durationMs }) =>
        output.err(`Applied ${name} in ${Math.round(durationMs)} ms`),
      );
      migrator.on('reverting', ({ name, index, total }) =>
        output.err(`Reverting ${name} (${index}/${total})…`),
      );
      migrator.on('reverted', ({ name, durationMs }) =>
        output.err(`Reverted ${name} in ${Math.round(durationMs)} ms`),
      );
      try {
        return await work(migrator);
      } finally {
        await migrator.close();
      }
    });

  const lockOption = (command: Command): Command =>
    command.option(
      '--lock-timeout <seconds>',
      'how long to wait for another process that is migrating the same database',
      parseWith(lockTimeoutSeconds),
      10,
    );

  lockOption(
    migrate
      .command('up')
      .description('apply pending migrations, all or up to and including --to')
      .option('--to <name>', 'the last migration to apply'),
  ).action(async (options: LockOptions & { to?: string }, command: Command) => {
    const applied = await withMigrator(command, options.lockTimeout, (migrator) =>
      migrator.up(options.to === undefined ? {} : { to: options.to }),
    );
    output.out(
      applied.length === 0
        ? 'Nothing to apply: the database is up to date.'
        : `Applied ${applied.length} migration(s).`,
    );
  });

  lockOption(
    migrate
      .command('down')
      .description(
        'revert applied migrations: the last one, --step N of them, or all after --to NAME (--to 0: all)',
      )
      .option(
        '--to <name|0>',
        'the migration to go back to (it stays applied); 0 reverts everything',
        parseWith(downTarget),
      )
      .option('--step <n>', 'how many migrations to revert', parseWith(wholeNumber(1))),
  ).action(async (options: LockOptions & { to?: string | 0; step?: number }, command: Command) => {
    if (options.to !== undefined && options.step !== undefined) {
      command.error("error: --to and --step can't be combined; choose one.");
    }
    const reverted = await withMigrator(command, options.lockTimeout, (migrator) =>
      migrator.down(options.to !== undefined ? { to: options.to } : { step: options.step ?? 1 }),
    );
    output.out(
      reverted.length === 0 ? 'Nothing to revert.' : `Reverted ${reverted.length} migration(s).`,
    );
  });

  migrate
    .command('status')
    .description('show applied and pending migrations, and any problem (changed or missing files)')
    .option('--json', 'print machine-readable JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const status = await withMigrator(command, 0, (migrator) => migrator.status());
      if (options.json) output.out(JSON.stringify(describeMigrationStatus(status), null, 2));
      else printStatus(status, output);
      if (status.problems.length > 0) process.exitCode = 1;
    });

  migrate
    .command('current')
    .description('print the name of the last applied migration')
    .action(async (_options: unknown, command: Command) => {
      const status = await withMigrator(command, 0, (migrator) => migrator.status());
      output.out(status.current ?? '(none: no migration applied)');
    });

  migrate
    .command('history')
    .description('list applied migrations: when, by whom, how long they took')
    .option('--json', 'print machine-readable JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { applied } = await withMigrator(command, 0, (migrator) => migrator.status());
      if (options.json) {
        output.out(
          JSON.stringify(
            describeMigrationStatus({ current: null, applied, pending: [], problems: [] }).applied,
            null,
            2,
          ),
        );
        return;
      }
      if (applied.length === 0) output.out('No migration applied yet.');
      for (const entry of applied) {
        output.out(
          `${entry.name}  ${entry.appliedAt.toISOString()}  ${entry.executionMs} ms  by ${entry.appliedBy}  sha256:${entry.checksum.slice(0, 12)}`,
        );
      }
    });

  migrate
    .command('create')
    .description('write a new, empty migration file numbered after the last one')
    .argument('<name>', 'what it does, in words: add_course_tags')
    .action(async (name: string) => {
      const file = await new MigrationFolder().create(name);
      output.out(`Created ${file}`);
    });

  lockOption(
    migrate
      .command('repair')
      .description(
        'accept deliberate changes: record changed checksums, forget migrations whose file is gone',
      ),
  ).action(async (options: LockOptions, command: Command) => {
    const repaired = await withMigrator(command, options.lockTimeout, (migrator) =>
      migrator.repair(),
    );
    if (repaired.length === 0) output.out('Nothing to repair.');
    for (const problem of repaired) {
      output.out(
        problem.kind === 'changed'
          ? `Recorded the new checksum of ${problem.name}.`
          : `Forgot ${describeProblem(problem)}.`,
      );
    }
  });

  return migrate;
}

function printStatus(status: MigrationStatus, output: CliOutput): void {
  output.out(`Current: ${status.current ?? '(none)'}`);
  output.out(`Applied: ${status.applied.length}`);
  output.out(status.pending.length === 0 ? 'Pending: none' : `Pending: ${status.pending.length}`);
  for (const name of status.pending) output.out(`  ${name}`);
  if (status.problems.length > 0) {
    output.out(`Problems (up and down are blocked until resolved):`);
    for (const problem of status.problems) output.out(`  ${describeProblem(problem)}`);
  }
}
