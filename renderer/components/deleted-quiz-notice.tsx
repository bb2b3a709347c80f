import { Alert, Button, Group, Text } from '@mantine/core';
import { counted } from '../format';
import { useUndeleteQuiz } from '../hooks/use-quizzes';
import type { DeletedQuiz } from './delete-quiz-dialog';
import { ErrorAlert } from './error-alert';

interface DeletedQuizNoticeProps {
  deleted: DeletedQuiz;
  /** Admins may bring it back from the audit history; others only read what went. */
  canUndo: boolean;
  onDismiss: () => void;
}

/**
 * Says what a delete just removed, where the quiz was, and (for an admin) offers to bring it back
 * with its attempts: an undelete from the audit history, recorded there as a change of its own.
 */
export function DeletedQuizNotice({ deleted, canUndo, onDismiss }: DeletedQuizNoticeProps) {
  const undelete = useUndeleteQuiz();
  const { quiz, cascades } = deleted;
  const undo = (): void =>
    undelete.mutate({ id: quiz.id, courseId: quiz.courseId }, { onSuccess: onDismiss });

  return (
    <Alert
      color="gray"
      title={`Quiz “${quiz.title}” deleted`}
      withCloseButton
      closeButtonLabel="Dismiss the notice"
      onClose={onDismiss}
    >
      <Text size="sm">
        Its {counted(cascades.questions, 'question', 'questions')} and{' '}
        {counted(cascades.attempts, 'learner attempt', 'learner attempts')} went with it.
        {canUndo
          ? ' Undo brings them all back as they were.'
          : ' An admin can bring it back from the audit history.'}
      </Text>
      {canUndo && (
        <Group mt="xs">
          <Button size="compact-sm" variant="default" onClick={undo} loading={undelete.isPending}>
            Undo delete of “{quiz.title}”
          </Button>
        </Group>
      )}
      {undelete.isError && (
        <ErrorAlert title="Couldn't bring the quiz back" error={undelete.error} />
      )}
    </Alert>
  );
}
