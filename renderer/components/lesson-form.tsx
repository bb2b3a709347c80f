import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { contract } from '../../electron/api/contract';
import { conflictCurrent } from '../conflicts';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useCreateLesson, useUpdateLesson, type Lesson } from '../hooks/use-lessons';
import { ConflictDialog, type ConflictField, type ConflictResolution } from './conflict-dialog';
import { ErrorAlert } from './error-alert';
import { OptionalNumberField } from './optional-number-field';

const createSchema = contract['lessons.create'].input;

/** A lesson as the form holds it: empty boxes are empty strings, sent as null. */
const lessonFormSchema = z.object({
  title: createSchema.shape.title,
  body: z.string(),
  durationMinutes: z.literal('').or(createSchema.shape.durationMinutes.unwrap().unwrap()),
  isPublished: z.boolean(),
});
type LessonFormValues = z.infer<typeof lessonFormSchema>;

const LESSON_FIELDS: readonly ConflictField<LessonFormValues>[] = [
  { name: 'title', label: 'Title' },
  { name: 'body', label: 'Content' },
  { name: 'durationMinutes', label: 'Duration (minutes)' },
  { name: 'isPublished', label: 'Published' },
];

function valuesOf(lesson: Lesson | undefined): LessonFormValues {
  return {
    title: lesson?.title ?? '',
    body: lesson?.body ?? '',
    durationMinutes: lesson?.durationMinutes ?? '',
    isPublished: lesson?.isPublished ?? false,
  };
}

function toInput(values: LessonFormValues) {
  return {
    title: values.title,
    body: values.body === '' ? null : values.body,
    durationMinutes: values.durationMinutes === '' ? null : values.durationMinutes,
    isPublished: values.isPublished,
  };
}

interface LessonFormProps {
  courseId: string;
  /** The lesson to edit; absent for a new one (it goes last). */
  lesson?: Lesson;
  onDone: () => void;
}

/** Creates a lesson, or edits one against the version it was opened at (with the conflict dialog). */
export function LessonForm({ courseId, lesson, onDone }: LessonFormProps) {
  const create = useCreateLesson(courseId);
  const update = useUpdateLesson(courseId);
  const [version, setVersion] = useState(lesson?.version);
  const [conflict, setConflict] = useState<{ draft: LessonFormValues; current: Lesson } | null>(
    null,
  );
  const [formError, setFormError] = useState<unknown>(null);
  const form = useForm<LessonFormValues>({
    resolver: zodResolver(lessonFormSchema),
    defaultValues: valuesOf(lesson),
  });
  const { errors } = form.formState;

  const onFailure = (values: LessonFormValues) => (error: unknown) => {
    const current = conflictCurrent(error, contract['lessons.update'].output);
    if (current) setConflict({ draft: values, current });
    else if (!placeFieldErrors(error, form.setError, ['title', 'body', 'durationMinutes'])) {
      setFormError(error);
    }
  };
  const save = (values: LessonFormValues, atVersion: number | undefined): void => {
    setFormError(null);
    const done = (saved: Lesson): void => {
      notifications.show({
        title: 'Lesson saved',
        message: `“${saved.title}” is lesson ${saved.position}.`,
      });
      onDone();
    };
    if (lesson && atVersion !== undefined) {
      update.mutate(
        { id: lesson.id, version: atVersion, ...toInput(values) },
        { onSuccess: done, onError: onFailure(values) },
      );
    } else {
      create.mutate(
        { courseId, ...toInput(values) },
        { onSuccess: done, onError: onFailure(values) },
      );
    }
  };
  const resolve = ({ values, version: current }: ConflictResolution<LessonFormValues>): void => {
    setVersion(current);
    form.reset(values);
    setConflict(null);
    save(values, current);
  };

  return (
    <form onSubmit={form.handleSubmit((values) => save(values, version))} noValidate>
      <Stack>
        <TextInput
          label="Title"
          required
          data-autofocus
          error={fieldErrorText('Title', errors.title)}
          {...form.register('title')}
        />
        <OptionalNumberField
          control={form.control}
          name="durationMinutes"
          label="Duration (minutes)"
          description="Leave empty if it has none."
          allowDecimal={false}
          error={errors.durationMinutes}
        />
        <Textarea
          label="Content"
          autosize
          minRows={4}
          maxRows={14}
          error={fieldErrorText('Content', errors.body)}
          {...form.register('body')}
        />
        <Switch label="Published (learners see it)" {...form.register('isPublished')} />
        {formError !== null && <ErrorAlert title="Couldn't save the lesson" error={formError} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending || update.isPending}>
            {lesson ? 'Save lesson' : 'Add lesson'}
          </Button>
        </Group>
      </Stack>
      {conflict && (
        <ConflictDialog
          opened
          what="lesson"
          draft={conflict.draft}
          current={{ ...valuesOf(conflict.current), version: conflict.current.version }}
          base={valuesOf(lesson)}
          fields={LESSON_FIELDS}
          onResolve={resolve}
          onCancel={() => setConflict(null)}
        />
      )}
    </form>
  );
}
