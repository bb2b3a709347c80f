import { Badge, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import { describeBulkRecord } from '../../db/schemas/quiz-bulk-description';
import type { BulkOperationRecord } from '../hooks/use-question-bank';
import { counted, formatDateTime } from '../format';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';
import type { ApiProgress } from '../../electron/api/contract';

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
          const name = describeBulkRecord(record);
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
