import type { ChannelOutput } from '../../electron/api/contract';
import { counted } from '../format';
import { useDeleteQuiz, useQuizDeletePreview } from '../hooks/use-quizzes';
import { ConfirmDeleteModal } from './confirm-delete-modal';

/** What went with a deleted quiz, as the preview counted it just before. */
export type DeletedQuiz = ChannelOutput<'quizzes.deletePreview'>;

interface DeleteQuizDialogProps {
  /** The quiz to delete, or null while the dialog is closed. */
  quiz: { id: string; title: string } | null;
  onClose: () => void;
  onDeleted: (deleted: DeletedQuiz) => void;
}

/**
 * Confirms deleting a quiz, saying first what goes with it (from the API's delete preview): its
 * questions, and every attempt learners made at it. The delete is checked against the version the
 * preview read, so a quiz changed meanwhile is not deleted unseen.
 */
export function DeleteQuizDialog({ quiz, onClose, onDeleted }: DeleteQuizDialogProps) {
  const preview = useQuizDeletePreview(quiz?.id ?? '', quiz !== null);
  const remove = useDeleteQuiz();
  const close = (): void => {
    remove.reset();
    onClose();
  };
  const confirm = (): void => {
    const counts = preview.data;
    if (!counts) return;
    remove.mutate(
      { id: counts.quiz.id, version: counts.quiz.version },
      {
        onSuccess: () => {
          close();
          onDeleted(counts);
        },
        // The quiz changed since the count: count again, so the person confirms what is there now.
        onError: () => void preview.refetch(),
      },
    );
  };
  const cascades = preview.data?.cascades;

  return (
    <ConfirmDeleteModal
      opened={quiz !== null}
      title={`Delete “${quiz?.title ?? ''}”?`}
      onClose={close}
      preview={preview}
      intro="This deletes the quiz, and with it:"
      removes={
        cascades
          ? [
              counted(cascades.questions, 'question', 'questions'),
              `${counted(cascades.attempts, 'learner attempt', 'learner attempts')} at it, with their scores`,
            ]
          : null
      }
      deleteError={
        remove.isError ? { title: "Couldn't delete the quiz", error: remove.error } : null
      }
      isDeleting={remove.isPending}
      keepLabel="Keep the quiz"
      deleteLabel="Delete quiz"
      onConfirm={confirm}
    />
  );
}
