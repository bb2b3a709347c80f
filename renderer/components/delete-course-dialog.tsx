import { Button, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { counted } from '../format';
import { useCourseDeletePreview, useDeleteCourse } from '../hooks/use-course';
import { ErrorAlert } from './error-alert';

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
    <Modal opened={course !== null} onClose={close} title={`Delete “${course?.title ?? ''}”?`}>
      <Stack>
        {preview.isError ? (
          <ErrorAlert
            title="Couldn't tell what the delete would remove"
            error={preview.error}
            onRetry={() => void preview.refetch()}
          />
        ) : !cascades ? (
          <Loader size="sm" aria-label="Counting what the delete would remove" />
        ) : (
          <>
            <Text size="sm">This deletes the course for good, and with it:</Text>
            <List size="sm">
              <List.Item>{counted(cascades.lessons, 'lesson', 'lessons')}</List.Item>
              <List.Item>{counted(cascades.quizzes, 'quiz', 'quizzes')}</List.Item>
              <List.Item>{counted(cascades.enrollments, 'enrollment', 'enrollments')}</List.Item>
              <List.Item>
                {counted(
                  cascades.lessonProgress,
                  'lesson progress record',
                  'lesson progress records',
                )}
              </List.Item>
              <List.Item>
                {counted(cascades.quizAttempts, 'quiz attempt', 'quiz attempts')}
              </List.Item>
            </List>
          </>
        )}
        {remove.isError && <ErrorAlert title="Couldn't delete the course" error={remove.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Keep the course
          </Button>
          <Button color="red" onClick={confirm} disabled={!cascades} loading={remove.isPending}>
            Delete course
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
