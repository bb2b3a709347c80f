import { Command, CommanderError } from 'commander';
import { auditCommand } from './cli/audit-commands';
import { processOutput, type CliOutput, type GlobalOptions } from './cli/context';
import { coursesCommand } from './cli/courses-commands';
import { dbCommand } from './cli/db-commands';
import { enrollCommand, unenrollCommand } from './cli/enroll-command';
import { migrateCommand } from './cli/migrate-commands';
import { withQuizBulkCommands } from './cli/quiz-bulk-commands';
import { quizzesCommand } from './cli/quizzes-commands';
import { syncCommand } from './cli/sync-commands';
import { profilesCommand } from './cli/profiles-commands';
import { usersCommand } from './cli/users-commands';
import { UserFacingError } from './user-facing-error';

/** The `lms-admin` program: every command, with `--help` on each. */
export function buildProgram(output: CliOutput = processOutput): Command {
  const program = new Command('lms-admin')
    .description('LMS Admin: administer the PostgreSQL database of a Learning Management System')
    .option(
      '--database-url <url>',
      'the PostgreSQL server to use (default: $DATABASE_URL, else the active profile, else the embedded server in LMS_DATA_DIR)',
    )
    .option(
      '--profile <name>',
      'a saved connection profile to use (see `lms-admin profiles`); default: the active one',
    )
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Environment:
  DATABASE_URL   the server to use when --database-url is not given
  LMS_DATA_DIR   where the embedded PostgreSQL lives (default: the OS app-data folder)`,
    );
  program.addCommand(migrateCommand(output));
  program.addCommand(dbCommand(output));
  program.addCommand(usersCommand(output));
  program.addCommand(coursesCommand(output));
  program.addCommand(withQuizBulkCommands(quizzesCommand(output), output));
  program.addCommand(enrollCommand(output));
  program.addCommand(unenrollCommand(output));
  program.addCommand(syncCommand(output));
  program.addCommand(profilesCommand(output));
  program.addCommand(auditCommand(output));
  return program;
}

/** Runs the CLI: one clear line on stderr and exit 1 on any error; a stack only with --verbose. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const { verbose } = program.opts<GlobalOptions>();
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      error instanceof UserFacingError
        ? `Error: ${message}\n`
        : `Unexpected error: ${message} (run again with --verbose for details)\n`,
    );
    if (verbose && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
