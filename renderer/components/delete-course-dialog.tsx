import { notifications } from '@mantine/notifications';
import { counted } from '../format';
import { useCourseDeletePreview, useDeleteCourse } from '../hooks/use-course';
import { ConfirmDeleteModal } from './confirm-delete-modal';

interface DeleteCourseDialogProps {
  /** The course to delete, or null while the dialog is closed. */
  course: { id: string; title: string } | null;
  onClose: () => void;
  onDeleted?: () => void;
}

/**
 * Confirms deleting a course, saying first what goes with it (from the API's delete preview):
 * lessons, quizzes, enrollments, and the learners' progress and attempts.
 */
export function DeleteCourseDialog({ course, onClose, onDeleted }: DeleteCourseDialogProps) {
  const preview = useCourseDeletePreview(course?.id ?? '', course !== null);
  const remove = useDeleteCourse();
  const close = (): void => {
    remove.reset();
    onClose();
  };
  const confirm = (): void => {
    if (!preview.data) return;
    const { id, version, title } = preview.data.course;
    remove.mutate(
      { id, version },
      {
        onSuccess: () => {
          notifications.show({
            title: 'Course deleted',
            message: `“${title}” and all it held are gone.`,
          });
          close();
          onDeleted?.();
        },
      },
    );
  };
  const cascades = preview.data?.cascades;

  return (
    <ConfirmDeleteModal
      opened={course !== null}
      title={`Delete “${course?.title ?? ''}”?`}
      onClose={close}
      preview={preview}
      intro="This deletes the course for good, and with it:"
      removes={
        cascades
          ? [
              counted(cascades.lessons, 'lesson', 'lessons'),
              counted(cascades.quizzes, 'quiz', 'quizzes'),
              counted(cascades.enrollments, 'enrollment', 'enrollments'),
              counted(cascades.lessonProgress, 'lesson progress record', 'lesson progress records'),
              counted(cascades.quizAttempts, 'quiz attempt', 'quiz attempts'),
            ]
          : null
      }
      deleteError={
        remove.isError ? { title: "Couldn't delete the course", error: remove.error } : null
      }
      isDeleting={remove.isPending}
      keepLabel="Keep the course"
      deleteLabel="Delete course"
      onConfirm={confirm}
    />
  );
}
