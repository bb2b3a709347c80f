import { Badge, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import type { BulkOperation, BulkOperationRecord } from '../hooks/use-question-bank';
import { counted, formatDateTime } from '../format';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';
import type { ApiProgress } from '../../electron/api/contract';

/** An operation in a few words, as a person would name it. */
export function describeBulkOperation(operation: BulkOperation): string {
  switch (operation.kind) {
    case 'replace':
      return `Replace “${operation.find}” with “${operation.replaceWith}”${operation.isRegex ? ' (regular expression)' : ''}`;
    case 'setPoints':
      return `Set points to ${operation.points}`;
    case 'setFeedback':
      if (operation.mode === 'append') return 'Append feedback';
      return operation.feedback === '' ? 'Remove feedback' : 'Set feedback';
    case 'addTags':
      return `Add tags ${operation.tags.join(', ')}`;
    case 'removeTags':
      return `Remove tags ${operation.tags.join(', ')}`;
    case 'setShuffle':
      return operation.shuffle ? 'Turn shuffle on' : 'Turn shuffle off';
    case 'setPublished':
      return operation.isPublished ? 'Publish quizzes' : 'Unpublish quizzes';
    case 'moveTo':
      return 'Move to another quiz';
    case 'copyTo':
      return 'Copy to a quiz';
    case 'delete':
      return 'Delete questions';
  }
}

/** A recorded operation's name, saying whether it undid or redid another. */
export function describeRecord(record: Pick<BulkOperationRecord, 'action' | 'operation'>): string {
  const what = describeBulkOperation(record.operation);
  if (record.action === 'undo') return `Undo of: ${what}`;
  if (record.action === 'redo') return `Redo of: ${what}`;
  return what;
}

const BLOCKED_BY: Record<NonNullable<BulkOperationRecord['blockedBy']>, string> = {
  undone: 'Undone',
  changed: 'Edited since',
};

interface RecentBulkOperationsProps {
  operations: readonly BulkOperationRecord[] | undefined;
  loadError: unknown;
  /** The undo under way, if any: which operation, and how far it is. */
  undoing: { operationId: string; progress: ApiProgress | null } | null;
  undoError: unknown;
  onUndo: (record: BulkOperationRecord) => void;
  onCancelUndo: () => void;
}

/**
 * The person's latest bulk operations, as recorded in the database: each one still as it left
 * its quizzes can be undone here, after a reload or a restart as well as right away.
 */
export function RecentBulkOperations({
  operations,
  loadError,
  undoing,
  undoError,
  onUndo,
  onCancelUndo,
}: RecentBulkOperationsProps) {
  return (
    <Stack gap="xs" component="section" aria-label="Recent operations">
      <Title order={3} size="h5">
        Recent operations
      </Title>
      {loadError !== null && (
        <ErrorAlert title="Couldn't load your recent operations" error={loadError} />
      )}
      {operations?.length === 0 && (
        <Text size="sm" c="dimmed">
          Operations you apply are listed here, to undo later.
        </Text>
      )}
      {undoError !== null && <ErrorAlert title="Nothing was undone" error={undoError} />}
      <List listStyleType="none" spacing="xs" size="sm">
        {operations?.map((record) => {
          const name = describeRecord(record);
          return (
            <List.Item key={record.id}>
              <Stack gap={2}>
                <Text size="sm" fw={600}>
                  {name}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(record.createdAt)} ·{' '}
                  {counted(record.questionCount, 'question', 'questions')} in{' '}
                  {counted(record.quizCount, 'quiz', 'quizzes')}
                </Text>
                {undoing?.operationId === record.id ? (
                  <LongCallProgress
                    label="Undo progress"
                    progress={undoing.progress}
                    expectedTotal={record.quizCount}
                    onCancel={onCancelUndo}
                  />
                ) : record.blockedBy ? (
                  <Badge variant="light" color="gray" size="sm">
                    {BLOCKED_BY[record.blockedBy]}
                  </Badge>
                ) : (
                  <Group>
                    <Button
                      size="compact-sm"
                      variant="light"
                      disabled={undoing !== null}
                      aria-label={`Undo ${name}`}
                      onClick={() => onUndo(record)}
                    >
                      Undo
                    </Button>
                  </Group>
                )}
              </Stack>
            </List.Item>
          );
        })}
      </List>
    </Stack>
  );
}
