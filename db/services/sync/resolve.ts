import type pg from 'pg';
import {
  SyncConflictKind,
  type SyncResolveInput,
  type SyncResolveResult,
} from '../../schemas/sync';
import { ServiceError } from '../service-error';
import { applyOperations, TableStatements, type RowOperation } from './apply-rows';
import {
  CONFLICT_COLUMNS,
  differingFields,
  localIdOf,
  maskSecrets,
  presentConflict,
  type ConflictRow,
} from './conflicts';
import { hasLocalChange, pushBaseImage } from './local-changes';
import { markAsSync } from './replica-state';
import {
  isSyncedTable,
  readImages,
  readTableColumns,
  type RowImage,
  type SyncedTable,
} from './synced-tables';

/** Who resolves (their own changes are recorded with the transaction's actor settings). */
export interface Resolver {
  actorId: string | null;
}

/** Columns a person never sets: they identify the record or follow from the change. */
const BOOKKEEPING = new Set(['id', 'version', 'created_at', 'updated_at']);

/**
 * Settles a conflict in the caller's transaction (actor settings already set). The local row
 * first becomes the central version as sync's change (exactly, version included: that is the
 * base a push must match); then, if the person's choice differs from it, their choice is written
 * as their own change, which the next push sends against that base. For a unique-key collision
 * the two sides are different records: taking central drops the local one's change (back to the
 * central version a push found it at, or gone if it was made here), taking local edits it to a
 * free value (`values`); the central one comes in, unless this copy changed that one too.
 */
export async function resolveConflict(
  client: pg.ClientBase,
  input: SyncResolveInput,
  resolver: Resolver,
): Promise<SyncResolveResult> {
  const { rows } = await client.query<ConflictRow & { resolvedAt: Date | null }>(
    `SELECT ${CONFLICT_COLUMNS} FROM sync_conflicts WHERE id = $1 FOR UPDATE`,
    [input.conflictId],
  );
  const conflict = rows[0];
  if (!conflict)
    throw new ServiceError('NOT_FOUND', `No sync conflict with id ${input.conflictId}.`);
  if (conflict.resolved_at) {
    throw new ServiceError(
      'CONFLICT',
      `This conflict was already resolved at ${conflict.resolved_at.toISOString()}.`,
    );
  }
  const table = conflict.table_name;
  if (!isSyncedTable(table)) throw new Error(`sync conflict on unknown table ${table}`);
  const columns = await readTableColumns(client);
  const statements = new TableStatements(columns);
  checkValues(input.values, columns[table], table);
  const central = conflict.central as RowImage | null;
  const localId = localIdOf(conflict);
  const isCollision = conflict.kind === SyncConflictKind.uniqueCollision && localId !== central?.id;
  const local = (await readImages(client, statements.of(table), [localId])).get(localId) ?? null;

  // The caller's own actor settings, to return to after writing the central version as sync's.
  const { rows: settings } = await client.query<{ source: string; actor: string; ip: string }>(
    `SELECT current_setting('lms.source', true) AS source, current_setting('lms.actor_id', true) AS actor,
            current_setting('lms.actor_ip', true) AS ip`,
  );
  const own = settings[0];
  const asSync = () => markAsSync(client);
  const asResolver = () =>
    client.query(
      `SELECT set_config('lms.source', $1, true), set_config('lms.actor_id', $2, true), set_config('lms.actor_ip', $3, true)`,
      [own?.source ?? '', own?.actor ?? '', own?.ip ?? ''],
    );

  let pushBase: number | null | undefined;
  if (isCollision) {
    if (input.take === 'central') {
      // The person's change that took the value goes, not the record: one the central server
      // has goes back to how it was there (deleting it would delete it there too, on the next
      // push); one made here is dropped.
      const synced = local && pushBaseImage(conflict, local);
      if (synced) {
        await upsertAsSync(client, statements, table, synced, asSync, local, localId);
        await asResolver();
      } else {
        await asResolver();
        if (local)
          await applyOne(client, statements, {
            table,
            id: localId,
            kind: 'delete',
            expectedVersion: local.version,
          });
      }
    } else {
      if (!local)
        throw new ServiceError(
          'NOT_FOUND',
          `The local ${table} record ${localId} is gone; take the central version.`,
        );
      const edited = { ...local, ...input.values } as RowImage;
      await asResolver();
      await applyOne(client, statements, {
        table,
        id: localId,
        kind: 'update',
        row: edited,
        expectedVersion: local.version,
      });
      // Found by a push: the central server never took the local record as it stood then.
      if (conflict.found_by === 'push')
        pushBase = (conflict.base?.version as number | undefined) ?? null;
    }
    // The central record comes in, unless this copy changed it too: that change is sent (or
    // disputed) on its own, and writing over it here would lose it unseen.
    if (central && !(await hasLocalChange(client, table, central.id, conflict.id))) {
      await upsertAsSync(client, statements, table, central, asSync);
      await asResolver();
    }
  } else {
    const finalRow = chooseRow(input, local, central);
    if (central === null && local && finalRow) {
      // Kept here though the central server deleted it: not deleted and made again (that would
      // take its children with it) but touched as the person's change, which the push sends as new.
      await asResolver();
      await applyOne(client, statements, {
        table,
        id: localId,
        kind: 'update',
        row: { ...finalRow, updated_at: new Date().toISOString() },
        expectedVersion: local.version,
      });
      pushBase = null;
    } else {
      await upsertAsSync(client, statements, table, central, asSync, local, localId);
      await asResolver();
    }
    const now = (await readImages(client, statements.of(table), [localId])).get(localId) ?? null;
    if (pushBase === undefined && !sameContent(finalRow, now)) {
      if (finalRow === null && now) {
        await applyOne(client, statements, {
          table,
          id: localId,
          kind: 'delete',
          expectedVersion: now.version,
        });
      } else if (finalRow && !now) {
        await applyOne(client, statements, { table, id: localId, kind: 'insert', row: finalRow });
      } else if (finalRow && now) {
        await applyOne(client, statements, {
          table,
          id: localId,
          kind: 'update',
          row: finalRow,
          expectedVersion: now.version,
        });
      }
      pushBase = central?.version ?? null;
    }
  }
  if (pushBase !== undefined) {
    await client.query(
      `INSERT INTO sync_push_bases (table_name, record_id, base_version) VALUES ($1, $2, $3)
       ON CONFLICT (table_name, record_id) DO UPDATE SET base_version = EXCLUDED.base_version`,
      [table, localId, pushBase],
    );
  }
  // The local side kept is the record as it was when resolved: edited while the conflict waited,
  // that is what the person chose against, and the history keeps what a choice replaced.
  const { rows: resolved } = await client.query<ConflictRow>(
    `UPDATE sync_conflicts SET resolved_at = now(), resolved_by = $2, resolution = $3,
            local = CASE WHEN $4::jsonb IS NULL AND central IS NULL THEN local ELSE $4::jsonb END
      WHERE id = $1 RETURNING ${CONFLICT_COLUMNS}`,
    [
      conflict.id,
      resolver.actorId,
      JSON.stringify({
        take: input.take,
        fields: input.fields ?? null,
        values: input.values ?? null,
      }),
      local === null ? null : JSON.stringify(local),
    ],
  );
  const row = (await readImages(client, statements.of(table), [localId])).get(localId) ?? null;
  return {
    conflict: presentConflict(resolved[0] ?? conflict),
    row: maskSecrets(row),
    isPushNeeded: pushBase !== undefined,
  };
}

function checkValues(
  values: Record<string, unknown> | undefined,
  columns: readonly string[],
  table: string,
): void {
  for (const key of Object.keys(values ?? {})) {
    if (!columns.includes(key) || BOOKKEEPING.has(key)) {
      throw new ServiceError('VALIDATION', `${table} has no field "${key}" a person can set.`, {
        fields: { [`values.${key}`]: 'is not a settable field' },
      });
    }
  }
}

/** The record the person chose: one side whole, or field by field (every differing field decided). */
function chooseRow(
  input: SyncResolveInput,
  local: RowImage | null,
  central: RowImage | null,
): RowImage | null {
  const withValues = (row: RowImage | null): RowImage | null => {
    if (!input.values || Object.keys(input.values).length === 0) return row;
    if (!row)
      throw new ServiceError(
        'VALIDATION',
        'There is no record to set values on: that side deleted it.',
      );
    return { ...row, ...input.values } as RowImage;
  };
  if (input.take === 'local') return withValues(local);
  if (input.take === 'central') return withValues(central);
  if (!local || !central) {
    throw new ServiceError(
      'VALIDATION',
      'One side deleted the record: take the local or the central version as a whole.',
    );
  }
  const fields = input.fields ?? {};
  const undecided = differingFields(local, central).filter(
    (field) => !fields[field] && !(input.values && field in input.values),
  );
  if (undecided.length > 0) {
    throw new ServiceError(
      'VALIDATION',
      `Choose a side for every field that differs: ${undecided.join(', ')}.`,
      {
        fields: Object.fromEntries(
          undecided.map((field) => [`fields.${field}`, 'choose local or central']),
        ),
      },
    );
  }
  const merged: RowImage = { ...local };
  for (const [field, side] of Object.entries(fields)) {
    if (!(field in local)) throw new ServiceError('VALIDATION', `There is no field "${field}".`);
    merged[field] = side === 'central' ? central[field] : local[field];
  }
  return withValues(merged);
}

/** Same record state, leaving aside what the write itself sets (version, updated_at). */
function sameContent(a: RowImage | null, b: RowImage | null): boolean {
  if (!a || !b) return !a && !b;
  return differingFields(a, b).length === 0;
}

/** Makes the local record the central version, as sync's change (the exact image, version included). */
async function upsertAsSync(
  client: pg.ClientBase,
  statements: TableStatements,
  table: SyncedTable,
  central: RowImage | null,
  asSync: () => Promise<void>,
  knownLocal?: RowImage | null,
  localId?: string,
): Promise<void> {
  await asSync();
  const id = central?.id ?? localId;
  if (!id) return;
  const local =
    knownLocal !== undefined && localId === id
      ? knownLocal
      : ((await readImages(client, statements.of(table), [id])).get(id) ?? null);
  if (central === null) {
    if (local)
      await applyOne(client, statements, {
        table,
        id,
        kind: 'delete',
        expectedVersion: local.version,
      });
  } else if (local === null) {
    await applyOne(client, statements, { table, id, kind: 'insert', row: central });
  } else {
    await applyOne(client, statements, {
      table,
      id,
      kind: 'update',
      row: central,
      expectedVersion: local.version,
    });
  }
}

/** One write, or a clear error saying why the database refused it. */
async function applyOne(
  client: pg.ClientBase,
  statements: TableStatements,
  operation: RowOperation,
): Promise<void> {
  const [failure] = await applyOperations(client, statements, [operation], {
    mayCascadeTo: () => false,
  });
  if (!failure) return;
  switch (failure.reason) {
    case 'unique':
      throw new ServiceError(
        'VALIDATION',
        `That still collides with another ${operation.table} record (${failure.message}); give the colliding field a free value.`,
      );
    case 'cascade':
      throw new ServiceError(
        'CONFLICT',
        `Not resolved: ${failure.message}. Resolve or remove those first.`,
      );
    case 'changed':
      throw new ServiceError(
        'CONFLICT',
        'The record changed while you were resolving; reload the conflict and choose again.',
      );
    case 'rejected':
      throw new ServiceError(
        'VALIDATION',
        `The database refused the chosen version: ${failure.message}.`,
      );
  }
}
