import fs from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { UserRole } from '../models/enums';
import { emailSchema, fullNameSchema } from '../schemas/auth';
import { pageLimitSchema } from '../schemas/common';
import type { ImportProblem } from '../schemas/user-csv';
import { userRoleSchema, type UserDeletePreview } from '../schemas/users';
import { exportUsersCsv, importUsersCsv } from '../services/user-csv';
import {
  createUser,
  deactivateUser,
  deleteUser,
  getUser,
  listUsers,
  previewUserDelete,
  type UserFilter,
} from '../services/users';
import { UserFacingError } from '../user-facing-error';
import { parseWith, wholeNumber, type CliOutput } from './context';
import { userByEmail } from './lookups';
import { withInteractiveWork } from './interactive-work';
import { inCliTransaction, withDatabase } from './open-database';
import {
  asJson,
  confirm,
  count,
  fileName,
  formatColumns,
  notesFor,
  readPasswordFromStdin,
  readTextInput,
} from './terminal';

/** The filter flags `users list` and `users export` share. */
interface UserFilterFlags {
  search?: string;
  role?: UserRole;
  active?: boolean;
  inactive?: boolean;
}

const emailArgument = parseWith(emailSchema);
const roleOption = parseWith(userRoleSchema);

function withUserFilterOptions(command: Command): Command {
  return command
    .option('--search <text>', 'only users whose name or email contains TEXT')
    .option(
      '--role <role>',
      `only users of one role: ${userRoleSchema.options.join(', ')}`,
      roleOption,
    )
    .addOption(new Option('--active', 'only active users').conflicts('inactive'))
    .option('--inactive', 'only deactivated users');
}

function userFilterOf(flags: UserFilterFlags): Omit<UserFilter, 'afterEmail'> {
  return {
    search: flags.search,
    role: flags.role,
    isActive: flags.active ? true : flags.inactive ? false : undefined,
  };
}

function describeImportProblem(problem: ImportProblem): string {
  return `line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: ${problem.message}`;
}

/** What a user's delete takes with it, in a sentence. */
function describeCascades({ cascades }: UserDeletePreview): string {
  if (cascades.enrollments + cascades.lessonProgress + cascades.quizAttempts === 0) {
    return 'Nothing else is deleted with this user.';
  }
  return `Deleting this user also deletes ${count(cascades.enrollments, 'enrollment')}, ${count(cascades.lessonProgress, 'lesson progress record')} and ${count(cascades.quizAttempts, 'quiz attempt')}.`;
}

/** `lms-admin users …`: the same users service the app uses, without sign-in. */
export function usersCommand(output: CliOutput): Command {
  const users = new Command('users').description(
    'list, create, import, export, deactivate and delete users',
  );

  withUserFilterOptions(
    users
      .command('list')
      .description('list users by email, a page at a time')
      .option(
        '--limit <n>',
        'how many users a page shows',
        parseWith(wholeNumber(1).pipe(pageLimitSchema.unwrap())),
      )
      .option('--cursor <cursor>', 'the page after the one that printed this cursor')
      .option('--json', 'print {items, nextCursor} as JSON'),
  ).action(
    async (
      flags: UserFilterFlags & { limit?: number; cursor?: string; json?: boolean },
      command: Command,
    ) => {
      const page = await withDatabase(command, (db) =>
        listUsers(db, { ...userFilterOf(flags), limit: flags.limit, cursor: flags.cursor }),
      );
      if (flags.json) {
        output.out(asJson(page));
        return;
      }
      if (page.items.length === 0) output.out('No users match.');
      const rows = page.items.map((user) => [
        user.email,
        user.fullName,
        user.role,
        user.isActive ? 'active' : 'inactive',
      ]);
      for (const line of formatColumns(rows)) output.out(line);
      if (page.nextCursor) output.out(`Next page: --cursor ${page.nextCursor}`);
    },
  );

  users
    .command('create')
    .description('create a user; staff who sign in get a password piped to --password-stdin')
    .requiredOption('--email <email>', 'their email, the sign-in name of staff', emailArgument)
    .requiredOption('--name <name>', 'their full name', parseWith(fullNameSchema))
    .requiredOption('--role <role>', userRoleSchema.options.join(', '), roleOption)
    .option(
      '--password-stdin',
      `read the password (staff only, 10+ characters) from stdin: printf '%s\\n' "$PASSWORD" | lms-admin users create …`,
    )
    .option('--json', 'print the new user as JSON')
    .action(
      async (
        flags: {
          email: string;
          name: string;
          role: UserRole;
          passwordStdin?: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        const password = flags.passwordStdin ? await readPasswordFromStdin() : undefined;
        const user = await withDatabase(command, (db) =>
          inCliTransaction(db, (transaction) =>
            createUser(
              db,
              { email: flags.email, fullName: flags.name, role: flags.role, password },
              transaction,
            ),
          ),
        );
        if (flags.json) output.out(asJson(user));
        else output.out(`Created ${user.role} ${user.email} (id ${user.id}).`);
      },
    );

  users
    .command('import')
    .description(
      'create users from a CSV file (columns email, full_name, role[, is_active, metadata]): every row is checked first, and any problem means nothing is written',
    )
    .argument('<file>', 'the CSV file, or - for stdin')
    .option('--dry-run', 'check every row and say what would be created; write nothing')
    .option('--skip-existing', 'leave out rows whose email exists instead of reporting them')
    .option('--json', 'print the import result as JSON')
    .action(
      async (
        file: string,
        flags: { dryRun?: boolean; skipExisting?: boolean; json?: boolean },
        command: Command,
      ) => {
        const csv = await readTextInput(file);
        const result = await withInteractiveWork(
          output,
          (work) =>
            withDatabase(command, (db) =>
              inCliTransaction(db, (transaction) =>
                importUsersCsv(
                  db,
                  { csv, dryRun: flags.dryRun ?? false, skipExisting: flags.skipExisting ?? false },
                  transaction,
                  work,
                ),
              ),
            ),
          { whenStopped: 'nothing was imported' },
        );
        if (flags.json) output.out(asJson(result));
        else for (const problem of result.problems) output.err(describeImportProblem(problem));
        if (result.problems.length > 0) {
          throw new UserFacingError(
            `${count(result.problems.length, 'problem')} in ${fileName(file)}: nothing was imported. Fix them and import again.`,
          );
        }
        if (flags.json) return;
        const skipped =
          result.skipped > 0 ? ` ${count(result.skipped, 'row')} left out: the email exists.` : '';
        output.out(
          result.isWritten
            ? `Created ${count(result.created, 'user')}.${skipped}`
            : `Dry run: ${count(result.created, 'user')} would be created; nothing was written.${skipped}`,
        );
      },
    );

  withUserFilterOptions(
    users
      .command('export')
      .description('write users as CSV in the layout `users import` reads (stdout unless --out)')
      .option('--out <file>', 'write the CSV to FILE instead of stdout')
      .option('--json', 'print {rows, file} (with --out) or {rows, csv} as JSON'),
  ).action(async (flags: UserFilterFlags & { out?: string; json?: boolean }, command: Command) => {
    const { csv, rows } = await withInteractiveWork(
      output,
      (work) =>
        withDatabase(command, (db) => exportUsersCsv(db, userFilterOf(flags), undefined, work)),
      { whenStopped: 'nothing was written' },
    );
    if (flags.out !== undefined) {
      await fs.writeFile(flags.out, csv);
      output.out(
        flags.json
          ? asJson({ rows, file: flags.out })
          : `Exported ${count(rows, 'user')} to ${flags.out}.`,
      );
    } else if (flags.json) {
      output.out(asJson({ rows, csv }));
    } else {
      // `out` ends each line with \n itself: given the CSV less its last \n, it prints the CSV
      // byte for byte, CRLF line ends included.
      output.out(csv.endsWith('\n') ? csv.slice(0, -1) : csv);
    }
  });

  users
    .command('deactivate')
    .description(
      'deactivate a user: they keep their records but can no longer sign in or be enrolled',
    )
    .argument('<email>', 'the user', emailArgument)
    .option('--json', 'print the user as JSON')
    .action(async (email: string, flags: { json?: boolean }, command: Command) => {
      const { user, wasActive } = await withDatabase(command, (db) =>
        inCliTransaction(db, async (transaction) => {
          const found = await userByEmail(db, email, transaction);
          // Deactivating again would only add a version and an audit entry that change nothing.
          if (!found.isActive)
            return { user: await getUser(db, found.id, transaction), wasActive: false };
          const user = await deactivateUser(
            db,
            { id: found.id, version: found.version },
            transaction,
          );
          return { user, wasActive: true };
        }),
      );
      if (flags.json) output.out(asJson(user));
      else
        output.out(
          wasActive ? `Deactivated ${user.email}.` : `${user.email} was already inactive.`,
        );
    });

  users
    .command('delete')
    .description(
      'delete a user and what cascades with them (enrollments, progress, quiz attempts), after saying what that is',
    )
    .argument('<email>', 'the user', emailArgument)
    .option('--yes', "don't ask for confirmation (needed when stdin is not a terminal)")
    .option('--json', 'print what was deleted as JSON')
    .action(async (email: string, flags: { yes?: boolean; json?: boolean }, command: Command) => {
      const tell = notesFor(output, flags.json);
      const deleted = await withDatabase(command, async (db) => {
        const { id } = await userByEmail(db, email);
        const preview = await previewUserDelete(db, id);
        tell(`${preview.user.email} (${preview.user.fullName}, ${preview.user.role})`);
        tell(describeCascades(preview));
        // A user who instructs courses can't be deleted: the delete itself says so, unasked.
        if (preview.blockingCourses.length === 0) {
          await confirm(`delete ${preview.user.email}`, { isConfirmed: flags.yes });
        }
        return inCliTransaction(db, (transaction) =>
          deleteUser(db, { id, version: preview.user.version }, transaction),
        );
      });
      if (flags.json) output.out(asJson(deleted));
      else output.out(`Deleted ${deleted.user.email}.`);
    });

  return users;
}
