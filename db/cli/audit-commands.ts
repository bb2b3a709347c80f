import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Command, Option } from 'commander';
import {
  auditActionSchema,
  auditExportFormats,
  auditSeqSchema,
  auditSourceSchema,
  auditTableSchema,
  type AuditEntry,
  type AuditFilter,
  type FieldChange,
  type FieldChoices,
  type RevertResult,
} from '../schemas/audit';
import type { Database } from '../connection';
import { dateSchema, idSchema, pageLimitSchema } from '../schemas/common';
import {
  auditAsOf,
  diffAuditVersions,
  getAuditTransaction,
  listAudit,
  writeAuditExport,
} from '../services/audit';
import { revertChange, revertTransaction, undeleteRecord } from '../services/audit-revert';
import { parseWith, wholeNumber, type CliOutput } from './context';
import { withInteractiveWork } from './interactive-work';
import { courseBySlug } from './lookups';
import { inCliTransaction, withDatabase } from './open-database';
import { asJson, confirm, count, formatColumns } from './terminal';

/** The filter flags `audit timeline` and `audit export` share. */
interface AuditFilterFlags {
  course?: string;
  table?: string;
  record?: string;
  actor?: string;
  action?: AuditFilter['action'];
  source?: AuditFilter['source'];
  from?: Date;
  to?: Date;
  text?: string;
}

const seqArgument = parseWith(auditSeqSchema);
const fieldList = (value: string): string[] =>
  value
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);

function withAuditFilterOptions(command: Command): Command {
  return command
    .option(
      '--table <name>',
      'only changes of one table (courses, users, lessons…)',
      parseWith(auditTableSchema),
    )
    .option('--record <id>', "one record's history (with --table)", parseWith(idSchema))
    .option(
      '--course <slug>',
      "a course's history with its lessons, quizzes and enrollments, deleted ones included",
    )
    .option('--actor <user-id>', "one person's changes", parseWith(idSchema))
    .option(
      '--action <action>',
      `only ${auditActionSchema.options.join(', ')}`,
      parseWith(auditActionSchema),
    )
    .option(
      '--source <source>',
      `only changes made through ${auditSourceSchema.options.join(', ')}`,
      parseWith(auditSourceSchema),
    )
    .option(
      '--from <time>',
      'changes at or after TIME (ISO 8601, e.g. 2026-11-25T09:00Z)',
      parseWith(dateSchema),
    )
    .option('--to <time>', 'changes before TIME', parseWith(dateSchema))
    .option('--text <text>', 'changes whose before or after snapshot contains TEXT');
}

/** The filter the flags name; a course named by its slug is looked up. */
async function filterOf(db: Database, flags: AuditFilterFlags): Promise<AuditFilter> {
  return {
    courseId: flags.course === undefined ? undefined : (await courseBySlug(db, flags.course)).id,
    tableName: flags.table,
    recordId: flags.record,
    actorId: flags.actor,
    action: flags.action,
    source: flags.source,
    from: flags.from,
    to: flags.to,
    text: flags.text,
  };
}

/** Who made a change, in a few words: a name, else an id, else how it came in. */
function describeActor(entry: Pick<AuditEntry, 'actorName' | 'actorId' | 'source'>): string {
  return entry.actorName ?? entry.actorId ?? `(${entry.source}, no user)`;
}

function entryColumns(entry: AuditEntry): string[] {
  return [
    `#${entry.seq}`,
    entry.createdAt.toISOString(),
    `${entry.action} ${entry.tableName} ${entry.recordId}`,
    entry.recordLabel ?? '',
    (entry.changedFields ?? []).join(', '),
    describeActor(entry),
    entry.actorIp ?? '',
    entry.source,
  ];
}

function describeValue(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function diffLines(fields: FieldChange[]): string[] {
  if (fields.length === 0) return ['No field differs.'];
  return fields.map(
    (change) => `${change.field}: ${describeValue(change.before)} → ${describeValue(change.after)}`,
  );
}

function describeRevert(result: RevertResult, output: CliOutput): void {
  for (const row of result.restored) {
    output.out(`${row.action} ${row.tableName} ${row.recordId}`);
  }
  output.out(`Done: ${count(result.restored.length, 'record')} restored, as a new change.`);
  if (result.skippedSecrets.length > 0) {
    output.err(
      `Not restored (history never holds them): ${result.skippedSecrets.join(', ')}. Set them anew if needed.`,
    );
  }
}

/**
 * Writes export chunks to a hidden file beside `target`, waiting whenever the disk falls behind;
 * `finish` renames it into place, `discard` removes it. An export that fails or is stopped
 * (Ctrl+C) never leaves a half-written file where the finished one was asked for.
 */
async function fileSink(target: string): Promise<{
  write: (chunk: string) => Promise<void>;
  finish: () => Promise<void>;
  discard: () => Promise<void>;
  /** For a process about to exit: no waiting for the stream to close. */
  discardNow: () => void;
}> {
  const partial = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(4).toString('hex')}.partial`,
  );
  const stream = fs.createWriteStream(partial, { flags: 'wx' });
  await once(stream, 'open');
  const close = async (): Promise<void> => {
    if (stream.closed) return;
    stream.end();
    await once(stream, 'close');
  };
  return {
    write: async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    finish: async () => {
      await close();
      await fs.promises.rename(partial, target);
    },
    discard: async () => {
      await close();
      await fs.promises.rm(partial, { force: true });
    },
    discardNow: () => fs.rmSync(partial, { force: true }),
  };
}

/** `lms-admin audit …`: the history the audit triggers keep, and reverts as new changes. */
export function auditCommand(output: CliOutput): Command {
  const audit = new Command('audit').description(
    'browse the history of every change (who, when, from where, before and after), diff, export, and revert',
  );

  withAuditFilterOptions(
    audit
      .command('timeline')
      .description('list changes, newest first, a page at a time')
      .option(
        '--limit <n>',
        'how many changes a page shows',
        parseWith(wholeNumber(1).pipe(pageLimitSchema.unwrap())),
      )
      .option('--cursor <cursor>', 'the page after the one that printed this cursor')
      .option('--json', 'print {items, nextCursor} as JSON'),
  ).action(
    async (
      flags: AuditFilterFlags & { limit?: number; cursor?: string; json?: boolean },
      command: Command,
    ) => {
      const page = await withDatabase(command, async (db) =>
        listAudit(db, {
          filter: await filterOf(db, flags),
          limit: flags.limit,
          cursor: flags.cursor,
        }),
      );
      if (flags.json) {
        output.out(asJson(page));
        return;
      }
      if (page.items.length === 0) output.out('No changes match.');
      for (const line of formatColumns(page.items.map(entryColumns))) output.out(line);
      if (page.nextCursor) output.out(`Next page: --cursor ${page.nextCursor}`);
    },
  );

  audit
    .command('diff')
    .description(
      'what differs between two versions of a record (the states right after two changes)',
    )
    .argument('<from-seq>', 'the earlier change (#seq from the timeline)', seqArgument)
    .argument('<to-seq>', 'the later change', seqArgument)
    .option('--json', 'print the diff (fields and jsondiffpatch delta) as JSON')
    .action(async (fromSeq: string, toSeq: string, flags: { json?: boolean }, command: Command) => {
      const diff = await withDatabase(command, (db) => diffAuditVersions(db, { fromSeq, toSeq }));
      if (flags.json) output.out(asJson(diff));
      else for (const line of diffLines(diff.fields)) output.out(line);
    });

  audit
    .command('as-of')
    .description('a record as it was at a time, deleted records included')
    .argument('<table>', 'its table', parseWith(auditTableSchema))
    .argument('<id>', 'its id', parseWith(idSchema))
    .argument('<time>', 'the moment (ISO 8601)', parseWith(dateSchema))
    .option('--json', 'print {state, isDeleted, entry, existsNow} as JSON')
    .action(
      async (table: string, id: string, at: Date, flags: { json?: boolean }, command: Command) => {
        const asOf = await withDatabase(command, (db) =>
          auditAsOf(db, { tableName: table, recordId: id, at }),
        );
        if (flags.json) {
          output.out(asJson(asOf));
          return;
        }
        if (!asOf.entry) {
          output.out(`The history has nothing on ${table} ${id} at or before ${at.toISOString()}.`);
          return;
        }
        output.out(
          asOf.isDeleted
            ? `Deleted by change #${asOf.entry.seq} (undelete: lms-admin audit undelete ${asOf.entry.seq}).`
            : asJson(asOf.state),
        );
        if (!asOf.existsNow && !asOf.isDeleted) output.out('It does not exist now.');
      },
    );

  audit
    .command('tx')
    .description('everything the transaction of one change did')
    .argument('<seq>', 'any change of the transaction', seqArgument)
    .option(
      '--limit <n>',
      'how many changes a page shows',
      parseWith(wholeNumber(1).pipe(pageLimitSchema.unwrap())),
    )
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--json', 'print the transaction as JSON')
    .action(
      async (
        seq: string,
        flags: { limit?: number; cursor?: string; json?: boolean },
        command: Command,
      ) => {
        const transaction = await withDatabase(command, (db) =>
          getAuditTransaction(db, { seq, limit: flags.limit, cursor: flags.cursor }),
        );
        if (flags.json) {
          output.out(asJson(transaction));
          return;
        }
        output.out(
          `Transaction ${transaction.txid} at ${transaction.createdAt.toISOString()} by ${describeActor(transaction)}${transaction.actorIp ? ` from ${transaction.actorIp}` : ''}:`,
        );
        for (const { tableName, action, changes } of transaction.counts) {
          output.out(`  ${action} ${count(changes, `${tableName} row`)}`);
        }
        for (const line of formatColumns(transaction.entries.items.map(entryColumns))) {
          output.out(line);
        }
        if (transaction.entries.nextCursor) {
          output.out(`Next page: --cursor ${transaction.entries.nextCursor}`);
        }
      },
    );

  withAuditFilterOptions(
    audit
      .command('export')
      .description(
        'write the changes a filter selects, newest first, as CSV or JSON; any number, a batch at a time',
      )
      .addOption(
        new Option('--format <format>', 'csv or json').choices(auditExportFormats).default('csv'),
      )
      .option('--out <file>', 'write to FILE instead of stdout'),
  ).action(
    async (
      flags: AuditFilterFlags & { format: (typeof auditExportFormats)[number]; out?: string },
      command: Command,
    ) => {
      const inputFor = async (db: Database) => ({
        filter: await filterOf(db, flags),
        format: flags.format,
      });
      if (flags.out === undefined) {
        // stdout: the chunks end where lines end, and out() ends each with its own newline.
        await withDatabase(command, async (db) =>
          writeAuditExport(db, await inputFor(db), (chunk) => {
            const text = chunk.replace(/\r?\n$/, '');
            if (text !== '') output.out(text);
          }),
        );
        return;
      }
      const out = flags.out;
      const sink = await fileSink(out);
      try {
        const rows = await withInteractiveWork(
          output,
          (work) =>
            withDatabase(command, async (db) =>
              writeAuditExport(db, await inputFor(db), sink.write, work),
            ),
          {
            whenStopped: `${out} was not written`,
            onQuit: sink.discardNow,
          },
        );
        await sink.finish();
        output.err(`Wrote ${count(rows, 'change')} to ${out}.`);
      } catch (error) {
        await sink.discard();
        throw error;
      }
    },
  );

  audit
    .command('revert')
    .description(
      'undo one change as a new change; refused when the record changed since, unless you choose per field',
    )
    .argument('<seq>', 'the change to revert', seqArgument)
    .option(
      '--revert <fields>',
      'comma-separated fields to set back even though they changed since',
      fieldList,
    )
    .option('--keep <fields>', 'comma-separated fields to leave as they are now', fieldList)
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        seq: string,
        flags: { revert?: string[]; keep?: string[]; yes?: boolean; json?: boolean },
        command: Command,
      ) => {
        const hasChoices = flags.revert !== undefined || flags.keep !== undefined;
        const choices: FieldChoices | undefined = hasChoices
          ? Object.fromEntries([
              ...(flags.revert ?? []).map((field) => [field, 'revert'] as const),
              ...(flags.keep ?? []).map((field) => [field, 'keep'] as const),
            ])
          : undefined;
        await confirm(`revert change #${seq}`, { isConfirmed: flags.yes });
        const result = await withDatabase(command, (db) =>
          inCliTransaction(db, (transaction) => revertChange(db, { seq, choices }, transaction)),
        );
        if (flags.json) output.out(asJson(result));
        else describeRevert(result, output);
      },
    );

  audit
    .command('revert-tx')
    .description('undo everything one transaction did, as one new transaction')
    .argument('<seq>', 'any change of the transaction', seqArgument)
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .action(async (seq: string, flags: { yes?: boolean; json?: boolean }, command: Command) => {
      await confirm(`revert the whole transaction of change #${seq}`, { isConfirmed: flags.yes });
      const result = await withDatabase(command, (db) =>
        inCliTransaction(db, (transaction) => revertTransaction(db, { seq }, transaction)),
      );
      if (flags.json) output.out(asJson(result));
      else describeRevert(result, output);
    });

  audit
    .command('undelete')
    .description('bring back a deleted record')
    .argument('<seq>', 'the change that deleted it', seqArgument)
    .option('--with-cascaded', 'also bring back the rows its deletion took with it')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        seq: string,
        flags: { withCascaded?: boolean; yes?: boolean; json?: boolean },
        command: Command,
      ) => {
        await confirm(`undelete the record change #${seq} deleted`, { isConfirmed: flags.yes });
        const result = await withDatabase(command, (db) =>
          inCliTransaction(db, (transaction) =>
            undeleteRecord(db, { seq, withCascaded: flags.withCascaded ?? false }, transaction),
          ),
        );
        if (flags.json) output.out(asJson(result));
        else describeRevert(result, output);
      },
    );

  return audit;
}
