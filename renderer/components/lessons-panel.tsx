import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Badge, Button, Group, Loader, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useDeleteLesson, useLessons, useReorderLessons, type Lesson } from '../hooks/use-lessons';
import { usePageCommands } from '../hooks/use-page-commands';
import { EmptyState } from './empty-state';
import { ErrorAlert } from './error-alert';
import { LessonForm } from './lesson-form';

interface LessonsPanelProps {
  courseId: string;
  isReadOnly: boolean;
}

/** The lesson being edited: a new one, an existing one, or none. */
type Editing = { lesson?: Lesson } | null;

/** A course's lessons in order: drag a lesson's handle, or focus it and use Space and the arrows, to move it. */
export function LessonsPanel({ courseId, isReadOnly }: LessonsPanelProps) {
  const lessons = useLessons(courseId);
  const reorder = useReorderLessons(courseId);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Lesson | null>(null);
  const items = lessons.data ?? [];
  const sensors = useSensors(
    // A few pixels of movement before a drag starts, so a click on the handle stays a click.
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const startNew = (): void => setEditing({});
  useHotkeys([['shift+L', () => !isReadOnly && startNew()]]);
  usePageCommands(
    useMemo(
      () => (isReadOnly ? [] : [{ id: 'lesson-new', label: 'New lesson', onClick: startNew }]),
      [isReadOnly],
    ),
  );

  const titleOf = (id: unknown): string =>
    items.find((lesson) => lesson.id === id)?.title ?? 'the lesson';
  const positionOf = (id: unknown): number => items.findIndex((lesson) => lesson.id === id) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${titleOf(active.id)}, lesson ${positionOf(active.id)} of ${items.length}.`,
    onDragOver: ({ active, over }) =>
      over ? `${titleOf(active.id)} would become lesson ${positionOf(over.id)}.` : '',
    onDragEnd: ({ active, over }) =>
      over
        ? `${titleOf(active.id)} is now lesson ${positionOf(over.id)} of ${items.length}.`
        : `${titleOf(active.id)} was dropped where it was.`,
    onDragCancel: ({ active }) =>
      `Moving ${titleOf(active.id)} was cancelled; it stays where it was.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent): void => {
    if (!over || active.id === over.id) return;
    const from = items.findIndex((lesson) => lesson.id === active.id);
    const to = items.findIndex((lesson) => lesson.id === over.id);
    reorder.mutate(arrayMove(items, from, to), {
      onError: (error) =>
        notifications.show({
          color: 'red',
          title: "Couldn't move the lesson",
          message: `${error.message} The list shows the order as it is now.`,
        }),
    });
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          Lessons
        </Title>
        {!isReadOnly && (
          <Button onClick={startNew} aria-keyshortcuts="Shift+L">
            New lesson
          </Button>
        )}
      </Group>
      {lessons.isError ? (
        <ErrorAlert
          title="Couldn't load the lessons"
          error={lessons.error}
          onRetry={() => void lessons.refetch()}
        />
      ) : lessons.isPending ? (
        <Loader size="sm" aria-label="Loading lessons" />
      ) : items.length === 0 ? (
        <EmptyState
          title="No lessons yet"
          action={!isReadOnly && <Button onClick={startNew}>New lesson</Button>}
        >
          {isReadOnly
            ? 'Lessons appear here once an admin or the instructor adds them.'
            : 'Add the first lesson with New lesson (Shift+L); you can put them in any order later.'}
        </EmptyState>
      ) : (
        <>
          {!isReadOnly && (
            <Text size="sm" c="dimmed" id="lesson-reorder-help">
              To move a lesson, drag its handle, or focus the handle, press Space, move with the
              arrow keys and press Space again (Escape cancels).
            </Text>
          )}
          <DndContext
            sensors={sensors}
            collisionDetection={closestCenter}
            onDragEnd={onDragEnd}
            accessibility={{
              announcements,
              screenReaderInstructions: {
                draggable:
                  'Press Space to pick up the lesson, the arrow keys to move it, Space again to drop it, or Escape to cancel.',
              },
            }}
          >
            <SortableContext
              items={items.map((lesson) => lesson.id)}
              strategy={verticalListSortingStrategy}
            >
              <Stack
                component="ol"
                gap="xs"
                p={0}
                m={0}
                aria-label="Lessons in order"
                style={{ listStyle: 'none' }}
              >
                {items.map((lesson, index) => (
                  <SortableLesson
                    key={lesson.id}
                    lesson={lesson}
                    position={index + 1}
                    isReadOnly={isReadOnly}
                    onEdit={() => setEditing({ lesson })}
                    onDelete={() => setDeleting(lesson)}
                  />
                ))}
              </Stack>
            </SortableContext>
          </DndContext>
        </>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.lesson ? `Edit “${editing.lesson.title}”` : 'New lesson'}
        size="lg"
      >
        {editing && (
          <LessonForm courseId={courseId} lesson={editing.lesson} onDone={() => setEditing(null)} />
        )}
      </Modal>
      <DeleteLessonDialog courseId={courseId} lesson={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

interface SortableLessonProps {
  lesson: Lesson;
  position: number;
  isReadOnly: boolean;
  onEdit: () => void;
  onDelete: () => void;
}

function SortableLesson({ lesson, position, isReadOnly, onEdit, onDelete }: SortableLessonProps) {
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    transform,
    transition,
    isDragging,
  } = useSortable({ id: lesson.id, disabled: isReadOnly });
  return (
    <Paper
      component="li"
      ref={setNodeRef}
      withBorder
      p="xs"
      shadow={isDragging ? 'md' : undefined}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        position: 'relative',
        zIndex: isDragging ? 1 : undefined,
      }}
    >
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          {!isReadOnly && (
            <Button
              ref={setActivatorNodeRef}
              variant="default"
              size="compact-sm"
              aria-label={`Move ${lesson.title}, lesson ${position}`}
              style={{ cursor: isDragging ? 'grabbing' : 'grab', touchAction: 'none' }}
              {...attributes}
              {...listeners}
            >
              ⠿
            </Button>
          )}
          <Text fw={500}>
            {position}. {lesson.title}
          </Text>
          {lesson.durationMinutes !== null && (
            <Text size="sm" c="dimmed">
              {lesson.durationMinutes} min
            </Text>
          )}
          {!lesson.isPublished && (
            <Badge variant="dot" color="gray">
              Draft
            </Badge>
          )}
        </Group>
        {!isReadOnly && (
          <Group gap="xs" wrap="nowrap">
            <Button
              size="compact-sm"
              variant="default"
              onClick={onEdit}
              aria-label={`Edit ${lesson.title}`}
            >
              Edit
            </Button>
            <Button
              size="compact-sm"
              variant="default"
              onClick={onDelete}
              aria-label={`Delete ${lesson.title}`}
            >
              Delete
            </Button>
          </Group>
        )}
      </Group>
    </Paper>
  );
}

interface DeleteLessonDialogProps {
  courseId: string;
  lesson: Lesson | null;
  onClose: () => void;
}

/** Confirms deleting a lesson, saying what goes with it and what stays. */
function DeleteLessonDialog({ courseId, lesson, onClose }: DeleteLessonDialogProps) {
  const remove = useDeleteLesson(courseId);
  const close = (): void => {
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={lesson !== null} onClose={close} title={`Delete “${lesson?.title ?? ''}”?`}>
      <Stack>
        <Text size="sm">
          Learners' progress in this lesson is deleted with it, and the lessons after it move up
          one. Quizzes attached to it stay in the course, attached to no lesson.
        </Text>
        {remove.isError && <ErrorAlert title="Couldn't delete the lesson" error={remove.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Keep the lesson
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() =>
              lesson &&
              remove.mutate({ id: lesson.id, version: lesson.version }, { onSuccess: close })
            }
          >
            Delete lesson
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
