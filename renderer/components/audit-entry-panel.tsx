import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ApiCallError } from '../api';
import {
  useAuditAsOf,
  useRevertChange,
  useRevertTransaction,
  useUndelete,
  type AuditEntry,
  type RevertResult,
} from '../hooks/use-audit';
import { AuditFieldDiff } from './audit-field-diff';
import { ErrorAlert, errorMessage } from './error-alert';

/** Who made a change, in a few words. */
export function describeActor(entry: AuditEntry): string {
  return entry.actorName ?? entry.actorId ?? `no user (${entry.source})`;
}

/** What the CONFLICT of a stale revert carries: the fields a later change set too. */
function contestedFieldsOf(error: unknown): string[] | null {
  if (!(error instanceof ApiCallError) || error.body.code !== 'CONFLICT') return null;
  const current: unknown = error.body.current;
  if (typeof current !== 'object' || current === null || !('contestedFields' in current)) return [];
  const fields: unknown = current.contestedFields;
  return Array.isArray(fields) ? fields.filter((field) => typeof field === 'string') : [];
}

type Action = 'revert' | 'revertTransaction' | 'undelete';

const ACTION_WORDS: Record<Action, { title: string; button: string }> = {
  revert: { title: 'Revert this change', button: 'Revert change' },
  revertTransaction: { title: 'Revert the whole transaction', button: 'Revert transaction' },
  undelete: { title: 'Undelete this record', button: 'Undelete' },
};

/** One change: who, when, from where, its fields before and after, as-of, and (admins) revert. */
export function AuditEntryPanel({ entry, canRevert }: { entry: AuditEntry; canRevert: boolean }) {
  const [asOfText, setAsOfText] = useState('');
  const asOfDate = asOfText.trim() === '' ? null : new Date(asOfText);
  const isAsOfValid = asOfDate !== null && !Number.isNaN(asOfDate.getTime());
  const asOf = useAuditAsOf(entry, isAsOfValid ? asOfDate : null);
  const [action, setAction] = useState<Action | null>(null);
  const [withCascaded, setWithCascaded] = useState(true);
  const [forced, setForced] = useState<Set<string>>(new Set());
  const revert = useRevertChange();
  const revertTransaction = useRevertTransaction();
  const undelete = useUndelete();
  const running =
    action === 'revert' ? revert : action === 'revertTransaction' ? revertTransaction : undelete;
  const contested = action === 'revert' ? contestedFieldsOf(revert.error) : null;

  const close = (): void => {
    setAction(null);
    setForced(new Set());
    revert.reset();
    revertTransaction.reset();
    undelete.reset();
  };
  const done = (result: RevertResult): void => {
    notifications.show({
      title: 'Done, as a new change',
      message: `${result.restored.length} record${result.restored.length === 1 ? '' : 's'} restored.${result.skippedSecrets.length > 0 ? ` Not restored (never kept): ${result.skippedSecrets.join(', ')}.` : ''}`,
    });
    close();
  };
  const confirm = (): void => {
    if (action === 'revert') {
      const choices =
        contested === null
          ? undefined
          : Object.fromEntries(
              contested.map((field) => [field, forced.has(field) ? 'revert' : 'keep'] as const),
            );
      revert.mutate({ seq: entry.seq, choices }, { onSuccess: done });
    } else if (action === 'revertTransaction') {
      revertTransaction.mutate({ seq: entry.seq }, { onSuccess: done });
    } else if (action === 'undelete') {
      undelete.mutate({ seq: entry.seq, withCascaded }, { onSuccess: done });
    }
  };

  return (
    <Paper withBorder p="md" radius="md" aria-label={`Change #${entry.seq}`} component="section">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {entry.action} {entry.tableName} · change #{entry.seq}
        </Title>
        <Text size="sm">
          By <strong>{describeActor(entry)}</strong>
          {entry.actorEmail ? ` (${entry.actorEmail})` : ''} on {entry.createdAt.toLocaleString()}
          {entry.actorIp ? ` from ${entry.actorIp}` : ''} through {entry.source} · record{' '}
          <Code>{entry.recordId}</Code> · transaction {entry.txid}
        </Text>
        <AuditFieldDiff entry={entry} />
        <Group align="flex-end">
          <TextInput
            label="As of"
            description="The record at a moment, e.g. 2026-11-25 09:30"
            value={asOfText}
            onChange={(event) => setAsOfText(event.currentTarget.value)}
            error={asOfText.trim() !== '' && !isAsOfValid ? 'Not a date and time' : undefined}
            w={260}
          />
        </Group>
        {asOf.isError && (
          <ErrorAlert title="Couldn't load the record as of then" error={asOf.error} />
        )}
        {asOf.data && (
          <Stack gap={4} aria-label="Record as of then">
            <Text size="sm">
              {asOf.data.entry === null
                ? 'The history has nothing on this record at or before then.'
                : asOf.data.isDeleted
                  ? `Deleted then (by change #${asOf.data.entry.seq}).`
                  : `As change #${asOf.data.entry.seq} left it${asOf.data.existsNow ? '' : ' (it does not exist now)'}:`}
            </Text>
            {asOf.data.state && <Code block>{JSON.stringify(asOf.data.state, null, 2)}</Code>}
          </Stack>
        )}
        {canRevert && (
          <Group>
            {entry.action === 'DELETE' ? (
              <Button onClick={() => setAction('undelete')}>Undelete…</Button>
            ) : (
              <Button onClick={() => setAction('revert')}>Revert change…</Button>
            )}
            <Button variant="default" onClick={() => setAction('revertTransaction')}>
              Revert whole transaction…
            </Button>
          </Group>
        )}
      </Stack>
      <Modal
        opened={action !== null}
        onClose={close}
        title={action ? ACTION_WORDS[action].title : ''}
      >
        <Stack>
          <Text size="sm">
            {action === 'undelete'
              ? `Brings back the ${entry.tableName} record change #${entry.seq} deleted.`
              : action === 'revertTransaction'
                ? `Puts back every record transaction ${entry.txid} changed.`
                : `Sets back what change #${entry.seq} changed.`}{' '}
            The history keeps both: this is recorded as a new change by you.
          </Text>
          {action === 'undelete' && (
            <Checkbox
              label="Also bring back what its deletion took with it"
              checked={withCascaded}
              onChange={(event) => setWithCascaded(event.currentTarget.checked)}
            />
          )}
          {contested !== null ? (
            <Alert color="yellow" title="The record changed since">
              <Stack gap="xs">
                <Text size="sm">{errorMessage(revert.error)}</Text>
                {contested.map((field) => (
                  <Checkbox
                    key={field}
                    label={`Revert ${field} anyway (unchecked: keep its newer value)`}
                    checked={forced.has(field)}
                    onChange={(event) => {
                      const next = new Set(forced);
                      if (event.currentTarget.checked) next.add(field);
                      else next.delete(field);
                      setForced(next);
                    }}
                  />
                ))}
              </Stack>
            </Alert>
          ) : (
            running.isError && <ErrorAlert title="Nothing was changed" error={running.error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={confirm} loading={running.isPending}>
              {contested !== null
                ? 'Revert with these choices'
                : action
                  ? ACTION_WORDS[action].button
                  : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
