import { Command, Option } from 'commander';
import { z } from 'zod';
import { rawConnectionOf } from '../connection';
import { resolveDataDir } from '../data-dir';
import { secretBoxFor, type SecretBox } from '../profiles/secret-box';
import {
  syncSideSchema,
  type SyncConflict,
  type SyncLinkResult,
  type SyncResolveInput,
} from '../schemas/sync';
import { differingFields, listConflicts } from '../services/sync/conflicts';
import type { CentralTarget } from '../services/sync/central-connection';
import { linkToCentral, previewLink } from '../services/sync/link';
import { pullChanges } from '../services/sync/pull';
import { pushChanges } from '../services/sync/push';
import {
  forgetCentralPassword,
  rememberCentralPassword,
} from '../services/sync/remembered-password';
import { resolveConflict } from '../services/sync/resolve';
import { getSyncStatus } from '../services/sync/status';
import { unlinkFromCentral } from '../services/sync/unlink';
import { parseWith, type CliOutput } from './context';
import { withInteractiveWork } from './interactive-work';
import { inCliTransaction, withDatabase } from './open-database';
import { asJson, confirm, count, formatColumns, readPasswordFromStdin } from './terminal';

interface CentralFlags {
  centralUrl?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

/**
 * What seals a remembered central password for the CLI: the key file in the data folder, as for
 * connection profiles (one the desktop app sealed in the keychain can't be opened here, and says so).
 */
function cliSecretBox(): SecretBox {
  return secretBoxFor(resolveDataDir());
}

/**
 * The central server a command talks to: --central-url or the link's, the password from stdin if
 * asked, else the remembered one (for the link's URL).
 */
async function centralTargetOf(flags: CentralFlags): Promise<Partial<CentralTarget>> {
  return {
    ...(flags.centralUrl !== undefined && { url: flags.centralUrl }),
    ...(flags.passwordStdin && { password: await readPasswordFromStdin() }),
    secrets: cliSecretBox(),
  };
}

function withCentralOptions(command: Command): Command {
  return command
    .option('--central-url <url>', "the central server's URL (default: the one linked)")
    .option(
      '--password-stdin',
      "read the central server's password from stdin (else the URL's, the remembered one, PGPASSWORD or ~/.pgpass)",
    )
    .option('--json', 'print machine-readable JSON');
}

/** `field=local|central`, repeatable. */
const fieldChoice = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*=(local|central)$/, { message: 'expected FIELD=local or FIELD=central' })
  .transform((value) => {
    const [field = '', side] = value.split('=');
    return [field, syncSideSchema.parse(side)] as const;
  });

/** `field=value`, repeatable; the value is JSON when it parses as JSON, else text. */
const fieldValue = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*=/, { message: 'expected FIELD=VALUE' })
  .transform((value) => {
    const field = value.slice(0, value.indexOf('='));
    const raw = value.slice(value.indexOf('=') + 1);
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Plain text: an email, a name.
    }
    return [field, parsed] as const;
  });

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] = []) => [...previous, parse(value)];
}

/** A conflict for people: what, why, and each differing field's three versions. */
function describeConflict(conflict: SyncConflict): string[] {
  const lines = [
    `${conflict.id}  ${conflict.kind}  ${conflict.tableName} ${conflict.recordId}  (found by ${conflict.foundBy}, ${conflict.detectedAt.toISOString()}${conflict.resolvedAt ? `, resolved ${conflict.resolvedAt.toISOString()}` : ''})`,
    `  ${conflict.detail}`,
  ];
  const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));
  const fields = differingFields(conflict.local, conflict.central);
  if (!conflict.local || !conflict.central) {
    lines.push(
      `  local: ${conflict.local ? 'present' : 'deleted'}; central: ${conflict.central ? 'present' : 'deleted'}`,
    );
  }
  const rows = fields.map((field) => [
    `  ${field}`,
    show(conflict.local?.[field]),
    show(conflict.central?.[field]),
    show(conflict.base?.[field]),
  ]);
  if (rows.length > 0)
    lines.push(...formatColumns([['  field', 'local', 'central', 'base'], ...rows]));
  return lines;
}

/** What a link did (or would do), in words. */
function describeLink(result: SyncLinkResult, isPreview: boolean): string[] {
  const copied = Object.values(result.rowsCopied).reduce((sum, rows) => sum + rows, 0);
  const lines = [
    isPreview
      ? `Linking to ${result.centralUrl} would copy ${count(copied, 'central record')} here. Nothing was changed.`
      : `Linked to ${result.centralUrl}: copied ${count(copied, 'row')}.`,
  ];
  if (!result.isMerge) return lines;
  const { collisions, changedOnBoth, deletedOnOneSide, waiting } = result.conflicts;
  const total = collisions + changedOnBoth + deletedOnOneSide + waiting;
  lines.push(
    `This database already held records: ${result.unchanged} already the same on both sides; ${count(result.localToPush, 'local record')} ${isPreview ? 'would go' : 'go'} to the central server with the next push, as new.`,
  );
  if (total === 0) return lines;
  const kinds = [
    collisions > 0 &&
      `${count(collisions, 'unique-key collision')} (the same email or slug on a local and a central record)`,
    changedOnBoth > 0 && `${count(changedOnBoth, 'record')} changed on both sides`,
    deletedOnOneSide > 0 && `${count(deletedOnOneSide, 'record')} deleted on one side only`,
    waiting > 0 && `${count(waiting, 'central record')} waiting for one of those`,
  ].filter(Boolean);
  lines.push(
    `${count(total, 'conflict')} ${isPreview ? 'would wait' : 'wait'} for your choice: ${kinds.join('; ')}. Resolve them with lms-admin sync conflicts and resolve; a local record that belongs to one of those goes with the first push after it is resolved.`,
  );
  return lines;
}

/** `lms-admin sync …`: this database as a working copy of a central server. */
export function syncCommand(output: CliOutput): Command {
  const sync = new Command('sync').description(
    'work offline on this database and sync it with a central PostgreSQL server',
  );

  sync
    .command('link')
    .description(
      'make this (migrated) database a working copy of a central server: copies its data in; records made here before linking are kept and pushed, and where they disagree with the central ones you resolve conflicts',
    )
    .argument(
      '<url>',
      'the central server, postgres://USER[:PASSWORD]@HOST:PORT/DATABASE (the password is stored only with --remember-password)',
    )
    .option('--password-stdin', "read the central server's password from stdin")
    .option(
      '--remember-password',
      'remember the password (encrypted with the key in the data folder) so status, push and pull need it no more',
    )
    .option('--dry-run', 'say what linking would do, and change nothing')
    .option('--json', 'print machine-readable JSON')
    .action(
      async (
        url: string,
        flags: CentralFlags & { dryRun?: boolean; rememberPassword?: boolean },
        command: Command,
      ) => {
        if (flags.dryRun && flags.rememberPassword)
          command.error("error: --dry-run changes nothing, so it can't --remember-password.");
        const password = flags.passwordStdin ? await readPasswordFromStdin() : undefined;
        const rememberPasswordWith = flags.rememberPassword ? cliSecretBox() : undefined;
        const result = await withDatabase(command, (db) =>
          withInteractiveWork(output, (work) =>
            flags.dryRun
              ? previewLink(db, { url, password }, work)
              : linkToCentral(db, { url, password }, work, { rememberPasswordWith }),
          ),
        );
        if (flags.json) return output.out(asJson(result));
        for (const line of describeLink(result, Boolean(flags.dryRun))) output.out(line);
        if (flags.rememberPassword)
          output.out('The password is remembered, encrypted (lms-admin sync forget-password).');
      },
    );

  sync
    .command('unlink')
    .description(
      'stop syncing this database with its central server: every record stays here, the remembered password is forgotten (refused while changes wait to be pushed or conflicts are open)',
    )
    .option('--yes', "don't ask for confirmation (needed when stdin is not a terminal)")
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: { yes?: boolean; json?: boolean }, command: Command) => {
      const result = await withDatabase(command, async (db) => {
        await confirm('unlink this database from its central server', { isConfirmed: flags.yes });
        return unlinkFromCentral(db);
      });
      if (flags.json) return output.out(asJson(result));
      output.out(
        `Unlinked from ${result.centralName}: every record stays here${result.wasPasswordRemembered ? ', and the remembered password is forgotten' : ''}. Link again with lms-admin sync link URL.`,
      );
    });

  sync
    .command('remember-password')
    .description(
      "remember the linked central server's password, encrypted, so status, push and pull need it no more (checked against the server first)",
    )
    .requiredOption('--password-stdin', 'read the password from stdin')
    .action(async (_flags: unknown, command: Command) => {
      const password = await readPasswordFromStdin();
      await withDatabase(command, (db) =>
        inCliTransaction(db, (transaction) =>
          rememberCentralPassword(rawConnectionOf(transaction), password, cliSecretBox()),
        ),
      );
      output.out('The central password is remembered, encrypted (lms-admin sync forget-password).');
    });

  sync
    .command('forget-password')
    .description("forget the central server's remembered password")
    .action(async (_flags: unknown, command: Command) => {
      const { wasRemembered } = await withDatabase(command, (db) =>
        inCliTransaction(db, (transaction) => forgetCentralPassword(rawConnectionOf(transaction))),
      );
      output.out(
        wasRemembered
          ? 'The central password is forgotten: give it with --password-stdin, PGPASSWORD or ~/.pgpass.'
          : 'No central password was remembered; nothing changed.',
      );
    });

  withCentralOptions(
    sync
      .command('status')
      .description(
        'linked to what, changes waiting to be pushed, open conflicts, and whether the central server answers',
      )
      .option('--offline', "don't try to reach the central server"),
  ).action(async (flags: CentralFlags & { offline?: boolean }, command: Command) => {
    const target = await centralTargetOf(flags);
    const status = await withDatabase(command, (db) =>
      getSyncStatus(db, { checkOnline: !flags.offline, target }),
    );
    if (flags.json) return output.out(asJson(status));
    if (!status.isLinked)
      return output.out('Not linked: this database is no working copy (lms-admin sync link URL).');
    output.out(
      `Central: ${status.centralUrl} (${status.isOnline === null ? 'not checked' : status.isOnline ? 'online' : `offline: ${status.centralMessage}`})`,
    );
    output.out(
      `Pending: ${count(status.pendingChanges, 'changed record')}${status.unfinishedBatches > 0 ? `, ${count(status.unfinishedBatches, 'unfinished push batch', 'unfinished push batches')}` : ''}`,
    );
    output.out(
      `Password: ${status.isPasswordRemembered ? 'remembered (encrypted)' : 'not remembered'}`,
    );
    output.out(
      `Conflicts: ${status.openConflicts === 0 ? 'none' : `${status.openConflicts} open (lms-admin sync conflicts)`}`,
    );
    output.out(
      `Last push: ${status.lastPushedAt?.toISOString() ?? 'never'}; last pull: ${status.lastPulledAt?.toISOString() ?? 'never'}`,
    );
  });

  withCentralOptions(
    sync
      .command('push')
      .description(
        'send local changes to the central server (conflicts are kept, never overwritten)',
      ),
  ).action(async (flags: CentralFlags, command: Command) => {
    const target = await centralTargetOf(flags);
    const result = await withDatabase(command, (db) =>
      withInteractiveWork(output, (work) => pushChanges(db, target, work)),
    );
    if (flags.json) return output.out(asJson(result));
    output.out(
      `Pushed ${count(result.applied, 'record')} in ${count(result.batches, 'batch', 'batches')}${result.replayedBatches > 0 ? ` (${result.replayedBatches} already applied before)` : ''}; ${result.conflicts === 0 ? 'no conflicts' : `${count(result.conflicts, 'conflict')}: lms-admin sync conflicts`}.`,
    );
  });

  withCentralOptions(
    sync
      .command('pull')
      .description(
        'bring central changes here, deletes included (conflicts are kept, never overwritten)',
      ),
  ).action(async (flags: CentralFlags, command: Command) => {
    const target = await centralTargetOf(flags);
    const result = await withDatabase(command, (db) =>
      withInteractiveWork(output, (work) => pullChanges(db, target, work)),
    );
    if (flags.json) return output.out(asJson(result));
    output.out(
      `Pulled ${count(result.applied, 'change')} (${result.unchanged} already here); ${result.conflicts === 0 ? 'no conflicts' : `${count(result.conflicts, 'conflict')}: lms-admin sync conflicts`}.`,
    );
  });

  sync
    .command('conflicts')
    .description('list conflicts, each differing field with its local, central and base value')
    .option('--all', 'include resolved conflicts')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: { all?: boolean; json?: boolean }, command: Command) => {
      const items = await withDatabase(command, (db) =>
        listConflicts(db, { includeResolved: Boolean(flags.all) }),
      );
      if (flags.json) return output.out(asJson({ items }));
      if (items.length === 0) return output.out('No conflicts.');
      for (const conflict of items) output.out(describeConflict(conflict).join('\n'));
    });

  sync
    .command('resolve')
    .description(
      'settle a conflict: one side whole (--take), or a side per field (--field), with --set for new values',
    )
    .argument('<conflict-id>', 'the id `sync conflicts` shows')
    .addOption(
      new Option('--take <side>', 'take one side for the whole record').choices([
        'local',
        'central',
      ]),
    )
    .option(
      '--field <field=side>',
      'take a side for one field (repeat for each differing field)',
      collect(parseWith(fieldChoice)),
    )
    .option(
      '--set <field=value>',
      'give a field a new value (JSON or text), e.g. a free email',
      collect(parseWith(fieldValue)),
    )
    .option('--json', 'print machine-readable JSON')
    .action(
      async (
        conflictId: string,
        flags: {
          take?: 'local' | 'central';
          field?: (readonly [string, 'local' | 'central'])[];
          set?: (readonly [string, unknown])[];
          json?: boolean;
        },
        command: Command,
      ) => {
        if (flags.take && flags.field)
          command.error("error: --take and --field can't be combined; choose one.");
        if (!flags.take && !flags.field)
          command.error(
            'error: say how: --take local|central, or --field FIELD=local|central for each differing field.',
          );
        const input: SyncResolveInput = {
          conflictId,
          take: flags.take ?? 'fields',
          ...(flags.field && { fields: Object.fromEntries(flags.field) }),
          ...(flags.set && { values: Object.fromEntries(flags.set) }),
        };
        const result = await withDatabase(command, (db) =>
          inCliTransaction(db, (transaction) =>
            resolveConflict(rawConnectionOf(transaction), input, { actorId: null }),
          ),
        );
        if (flags.json) return output.out(asJson(result));
        output.out(
          `Resolved. ${result.isPushNeeded ? 'The chosen version goes to the central server with the next push.' : 'This database now has the central version; nothing to push.'}`,
        );
      },
    );

  return sync;
}
