import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  Paper,
  ScrollArea,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { z } from 'zod';
import { ApiCallError } from '../api';
import { contract } from '../../electron/api/contract';
import {
  useRevertChange,
  useRevertTransaction,
  useUndelete,
  type AuditEntry,
  type RevertResult,
} from '../hooks/use-audit';
import { AuditAsOf } from './audit-as-of';
import { AuditFieldDiff } from './audit-field-diff';
import { ErrorAlert, errorMessage } from './error-alert';

/** Who made a change, in a few words. */
export function describeActor(entry: AuditEntry): string {
  return entry.actorName ?? entry.actorId ?? `no user (${entry.source})`;
}

/** What each audited table's records are called, one of them. */
const RECORD_NOUNS: Record<string, string> = {
  users: 'User',
  courses: 'Course',
  lessons: 'Lesson',
  quizzes: 'Quiz',
  enrollments: 'Enrollment',
  lesson_progress: 'Lesson progress',
  quiz_attempts: 'Quiz attempt',
};

/** Which record a change is of, in words: "Lesson: Intro" (its id's start when it has no label). */
export function describeRecord(entry: Pick<AuditEntry, 'tableName' | 'recordId' | 'recordLabel'>) {
  const noun = RECORD_NOUNS[entry.tableName] ?? entry.tableName;
  return `${noun}: ${entry.recordLabel ?? entry.recordId.slice(0, 8)}`;
}

/** The later changes a stale revert's CONFLICT lists, each readable like any change. */
const changesSinceSchema = z.array(contract['audit.get'].output);

/** What the CONFLICT of a stale revert carries: the fields a later change set too, and those changes. */
interface RevertConflict {
  message: string;
  contestedFields: string[];
  changesSince: AuditEntry[];
}

function revertConflictOf(error: unknown): RevertConflict | null {
  if (!(error instanceof ApiCallError) || error.body.code !== 'CONFLICT') return null;
  const message = errorMessage(error);
  const current: unknown = error.body.current;
  if (typeof current !== 'object' || current === null) {
    return { message, contestedFields: [], changesSince: [] };
  }
  const fields: unknown = 'contestedFields' in current ? current.contestedFields : [];
  const changes = changesSinceSchema.safeParse(
    'changesSince' in current ? current.changesSince : [],
  );
  return {
    message,
    contestedFields: Array.isArray(fields)
      ? fields.filter((field) => typeof field === 'string')
      : [],
    changesSince: changes.success ? changes.data : [],
  };
}

type Action = 'revert' | 'revertTransaction' | 'undelete';

const ACTION_WORDS: Record<Action, { title: string; button: string }> = {
  revert: { title: 'Revert this change', button: 'Revert change' },
  revertTransaction: { title: 'Revert the whole transaction', button: 'Revert transaction' },
  undelete: { title: 'Undelete this record', button: 'Undelete' },
};

/** One change: who, when, from where, its fields before and after, as-of, and (admins) revert. */
export function AuditEntryPanel({ entry, canRevert }: { entry: AuditEntry; canRevert: boolean }) {
  const [action, setAction] = useState<Action | null>(null);
  const [withCascaded, setWithCascaded] = useState(true);
  const [forced, setForced] = useState<Set<string>>(new Set());
  const [conflict, setConflict] = useState<RevertConflict | null>(null);
  const revert = useRevertChange();
  const revertTransaction = useRevertTransaction();
  const undelete = useUndelete();
  const running =
    action === 'revert' ? revert : action === 'revertTransaction' ? revertTransaction : undelete;

  const close = (): void => {
    setAction(null);
    setForced(new Set());
    setConflict(null);
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
        conflict === null
          ? undefined
          : Object.fromEntries(
              conflict.contestedFields.map(
                (field) => [field, forced.has(field) ? 'revert' : 'keep'] as const,
              ),
            );
      revert.mutate(
        { seq: entry.seq, choices },
        {
          onSuccess: done,
          // Kept until the dialog closes: a refused choice must not lose the list of changes.
          onError: (error) => setConflict(revertConflictOf(error) ?? conflict),
        },
      );
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
        <Text size="sm" fw={500}>
          {describeRecord(entry)}
        </Text>
        <Text size="sm">
          By <strong>{describeActor(entry)}</strong>
          {entry.actorEmail ? ` (${entry.actorEmail})` : ''} on {entry.createdAt.toLocaleString()}
          {entry.actorIp ? ` from ${entry.actorIp}` : ''} through {entry.source} · record{' '}
          <Code>{entry.recordId}</Code> · transaction {entry.txid}
        </Text>
        <AuditFieldDiff entry={entry} />
        <AuditAsOf record={entry} />
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
          {conflict !== null && (
            <Alert color="yellow" title="The record changed since">
              <Stack gap="xs">
                <Text size="sm">{conflict.message}</Text>
                {conflict.changesSince.length > 0 && (
                  <ScrollArea.Autosize mah={260} aria-label="Changes since">
                    <Stack gap="xs">
                      {conflict.changesSince.map((later) => (
                        <Stack key={later.seq} gap={4}>
                          <Text size="sm">
                            Change #{later.seq} by <strong>{describeActor(later)}</strong> on{' '}
                            {later.createdAt.toLocaleString()}
                          </Text>
                          <AuditFieldDiff entry={later} />
                        </Stack>
                      ))}
                    </Stack>
                  </ScrollArea.Autosize>
                )}
                {conflict.contestedFields.map((field) => (
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
          )}
          {running.isError && !(action === 'revert' && revertConflictOf(running.error)) && (
            <ErrorAlert title="Nothing was changed" error={running.error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={confirm} loading={running.isPending}>
              {conflict !== null
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
