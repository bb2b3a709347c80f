import { Command } from 'commander';
import { z } from 'zod';
import type { ReviewNote } from '../migration-authoring/change-sql';
import {
  compareModels,
  generateMigration,
  planMigration,
} from '../migration-authoring/model-drift';
import { assessRiskySteps, findRiskySteps } from '../migration-authoring/risky-steps';
import { withPgClient } from '../migration-authoring/pg-client';
import { withScratchDatabase } from '../migration-authoring/scratch-database';
import { MigrationFolder } from '../migration-source';
import { modelSchema } from '../models';
import { describeMigrationStatus } from '../services/migrations';
import {
  describeProblem,
  Migrator,
  type MigrationPreview,
  type MigrationStatus,
} from '../migrator';
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
      .description(
        'apply pending migrations, all or up to and including --to; steps that drop data or lock a large table need --allow-destructive',
      )
      .option('--to <name>', 'the last migration to apply')
      .option('--sql', 'print the SQL the run would execute (for psql), executing nothing')
      .option('--allow-destructive', 'run steps that drop data or lock a large table'),
  ).action(
    async (
      options: LockOptions & { to?: string; sql?: boolean; allowDestructive?: boolean },
      command: Command,
    ) => {
      if (options.sql) {
        const previews = await withMigrator(command, options.lockTimeout, (migrator) =>
          migrator.preview({
            direction: 'up',
            ...(options.to !== undefined && { to: options.to }),
          }),
        );
        printScript(previews, output);
        return;
      }
      const applied = await withMigrator(command, options.lockTimeout, (migrator) =>
        migrator.up({
          ...(options.to !== undefined && { to: options.to }),
          allowDestructive: options.allowDestructive === true,
        }),
      );
      output.out(
        applied.length === 0
          ? 'Nothing to apply: the database is up to date.'
          : `Applied ${applied.length} migration(s).`,
      );
    },
  );

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
      .option('--step <n>', 'how many migrations to revert', parseWith(wholeNumber(1)))
      .option('--sql', 'print the SQL the run would execute (for psql), executing nothing'),
  ).action(
    async (
      options: LockOptions & { to?: string | 0; step?: number; sql?: boolean },
      command: Command,
    ) => {
      if (options.to !== undefined && options.step !== undefined) {
        command.error("error: --to and --step can't be combined; choose one.");
      }
      if (options.sql) {
        const target = options.to !== undefined ? { to: options.to } : { step: options.step ?? 1 };
        const previews = await withMigrator(command, options.lockTimeout, (migrator) =>
          migrator.preview({ direction: 'down', target }),
        );
        printScript(previews, output);
        return;
      }
      const reverted = await withMigrator(command, options.lockTimeout, (migrator) =>
        migrator.down(options.to !== undefined ? { to: options.to } : { step: options.step ?? 1 }),
      );
      output.out(
        reverted.length === 0 ? 'Nothing to revert.' : `Reverted ${reverted.length} migration(s).`,
      );
    },
  );

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

  migrate
    .command('generate')
    .description(
      'write migrations/NNNN_name.ts taking the schema the migrations make to what the models say (nothing when they agree)',
    )
    .argument('<name>', 'what it does, in words: add_course_tags')
    .option(
      '--drop-unmodelled',
      'drop tables no model describes (after removing a model); by default they are left alone and listed',
    )
    .action(async (name: string, options: { dropUnmodelled?: boolean }, command: Command) => {
      const folder = new MigrationFolder();
      const { generated, riskySteps } = await withDatabaseTarget(command, async (target) => {
        const result = await withScratchDatabase(target.url, folder, (client) =>
          generateMigration({
            client,
            source: modelSchema,
            folder,
            name,
            dropUnmodelled: options.dropUnmodelled === true,
          }),
        );
        // The scratch database is empty: rows at stake are counted where the migration will run.
        const steps = await findRiskySteps(result.plan.up.statements.join(';\n'));
        return {
          generated: result,
          riskySteps: await withPgClient(target.url, (client) => assessRiskySteps(client, steps)),
        };
      });
      if (generated.unmodelledTables.length > 0) {
        output.err(
          `Left alone, having no model: ${generated.unmodelledTables.join(', ')} (after removing a model, --drop-unmodelled drops its table).`,
        );
      }
      if (generated.file === null) {
        output.out('No change: the models and the migrations agree; no file written.');
        return;
      }
      output.out(`Created ${generated.file} with ${generated.plan.changes.length} change(s):`);
      for (const change of generated.plan.changes) output.out(`  ${change}`);
      for (const step of riskySteps) {
        output.out(`Warning: up ${step.message}; \`migrate up\` will need --allow-destructive.`);
      }
      printNotes('up', generated.plan.up.notes, output);
      printNotes('down', generated.plan.down.notes, output);
      output.out(
        'Review both directions, then `lms-admin migrate up` (`--sql` shows what it runs).',
      );
    });

  migrate
    .command('check')
    .description(
      'compare the models with the migrated database: exit 0 when they agree, 1 with the differences',
    )
    .option('--unmodelled', 'also list tables no model describes')
    .option('--json', 'print machine-readable JSON')
    .action(async (options: { unmodelled?: boolean; json?: boolean }, command: Command) => {
      const comparison = await withDatabaseTarget(command, (target) =>
        withPgClient(target.url, (client) => compareModels(client, modelSchema)),
      );
      const { changes } = planMigration(comparison);
      if (options.json) {
        output.out(
          JSON.stringify({ changes, unmodelledTables: comparison.unmodelledTables }, null, 2),
        );
      } else if (changes.length === 0) {
        output.out('The models and the database agree.');
      } else {
        output.out(
          `The models and the database differ (+ in the models only, - in the database only, ~ both, differently):`,
        );
        for (const change of changes) output.out(`  ${change}`);
        output.out(
          'Run `lms-admin migrate generate NAME` for a migration that brings the database to the models.',
        );
      }
      if (options.unmodelled && !options.json) {
        for (const table of comparison.unmodelledTables) output.out(`Unmodelled table: ${table}`);
      }
      if (changes.length > 0) process.exitCode = 1;
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

/** The script of a preview on stdout, and on stderr what makes it inexact or risky. */
function printScript(previews: readonly MigrationPreview[], output: CliOutput): void {
  if (previews.length === 0) {
    output.err('Nothing to run.');
    return;
  }
  output.out(Migrator.scriptOf(previews));
  for (const preview of previews) {
    for (const caveat of preview.caveats) output.err(`${preview.name}: not exact: ${caveat}.`);
    for (const step of preview.riskySteps) output.err(`${preview.name}: warning: ${step.message}.`);
  }
}

function printNotes(direction: string, notes: readonly ReviewNote[], output: CliOutput): void {
  for (const note of notes) {
    output.out(
      `${note.isBlocking ? 'Resolve before it can run' : 'Note'} (${direction}): ${note.message}`,
    );
  }
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
