import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Button,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { contract } from '../../electron/api/contract';
import { quizOptionsSchema } from '../../db/schemas/quiz-options';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useLessons, type Lesson } from '../hooks/use-lessons';
import {
  currentQuizOf,
  useCreateQuiz,
  useQuiz,
  useUpdateQuiz,
  type QuizDetail,
} from '../hooks/use-quizzes';
import { ConflictDialog, type ConflictField, type ConflictResolution } from './conflict-dialog';
import { ErrorAlert } from './error-alert';
import { OptionalNumberField } from './optional-number-field';

const createSchema = contract['quizzes.create'].input;
const typeSchema = quizOptionsSchema.shape.type.unwrap();

/** A quiz's settings as the form holds them: empty boxes are empty strings, sent as null or left out. */
const quizFormSchema = z.object({
  title: createSchema.shape.title,
  passScore: z.literal('').or(createSchema.shape.passScore.unwrap().unwrap()),
  /** A lesson of the course, or '' for none. */
  lessonId: z.string(),
  type: z.literal('').or(typeSchema),
  shuffle: z.boolean(),
});
type QuizFormValues = z.infer<typeof quizFormSchema>;

/** The form's fields the API may name in a VALIDATION error. */
const FIELD_NAMES = ['title', 'passScore', 'lessonId', 'type', 'shuffle'] as const;

function valuesOf(quiz: QuizDetail | undefined): QuizFormValues {
  const options = quiz?.isOptionsValid ? quiz.options : undefined;
  return {
    title: quiz?.title ?? '',
    passScore: quiz?.passScore ?? '',
    lessonId: quiz?.lessonId ?? '',
    type: options?.type ?? '',
    shuffle: options?.shuffle ?? false,
  };
}

function conflictFields(lessons: readonly Lesson[]): ConflictField<QuizFormValues>[] {
  const lessonTitle = (id: unknown): string =>
    id === '' ? '(no lesson)' : (lessons.find((lesson) => lesson.id === id)?.title ?? String(id));
  return [
    { name: 'title', label: 'Title' },
    { name: 'passScore', label: 'Pass score' },
    { name: 'lessonId', label: 'Lesson', format: lessonTitle },
    { name: 'type', label: 'Type' },
    { name: 'shuffle', label: 'Shuffle questions' },
  ];
}

/**
 * The settings part of `quizzes.update`. Type and shuffle live in the quiz's options beside its
 * questions, so they are sent (with the questions of the version being edited, which the version
 * check guards) only when they changed: a title edit never rewrites the questions.
 */
function updateInput(values: QuizFormValues, against: QuizDetail) {
  const settings = {
    id: against.id,
    version: against.version,
    title: values.title,
    passScore: values.passScore === '' ? null : values.passScore,
    lessonId: values.lessonId === '' ? null : values.lessonId,
  };
  if (!against.isOptionsValid) return settings;
  const { type, ...options } = against.options;
  const isOptionsChanged = values.type !== (type ?? '') || values.shuffle !== options.shuffle;
  if (!isOptionsChanged) return settings;
  return {
    ...settings,
    options: {
      ...options,
      shuffle: values.shuffle,
      ...(values.type !== '' && { type: values.type }),
    },
  };
}

/** Which quiz the settings dialog is open on: a new one, an existing one, or none (closed). */
export type QuizFormTarget = { quizId?: string } | null;

interface QuizFormModalProps {
  courseId: string;
  target: QuizFormTarget;
  onClose: () => void;
  /** After a save, once the dialog has closed. */
  onSaved?: (quiz: QuizDetail) => void;
}

/** The quiz form in its dialog: "New quiz" or "Quiz settings". */
export function QuizFormModal({ courseId, target, onClose, onSaved }: QuizFormModalProps) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target?.quizId ? 'Quiz settings' : 'New quiz'}
    >
      {target && (
        <QuizForm
          courseId={courseId}
          quizId={target.quizId}
          onCancel={onClose}
          onDone={(quiz) => {
            onClose();
            onSaved?.(quiz);
          }}
        />
      )}
    </Modal>
  );
}

interface QuizFormProps {
  courseId: string;
  /** The quiz to edit; absent for a new one. */
  quizId?: string;
  onDone: (quiz: QuizDetail) => void;
  onCancel: () => void;
}

/** Creates a quiz, or edits its settings against the version it was opened at (with the conflict dialog). */
export function QuizForm({ courseId, quizId, onDone, onCancel }: QuizFormProps) {
  const quiz = useQuiz(quizId ?? '', quizId !== undefined);
  const lessons = useLessons(courseId, { isReadOnOpen: true });
  if (quizId !== undefined && quiz.isError) {
    return (
      <ErrorAlert
        title="Couldn't open the quiz"
        error={quiz.error}
        onRetry={() => void quiz.refetch()}
      />
    );
  }
  if ((quizId !== undefined && !quiz.data) || !lessons.data) {
    return lessons.isError ? (
      <ErrorAlert
        title="Couldn't load the course's lessons"
        error={lessons.error}
        onRetry={() => void lessons.refetch()}
      />
    ) : (
      <Loader size="sm" aria-label="Loading the quiz settings" />
    );
  }
  return (
    <QuizSettingsFields
      courseId={courseId}
      quiz={quizId === undefined ? undefined : quiz.data}
      lessons={lessons.data}
      onDone={onDone}
      onCancel={onCancel}
    />
  );
}

interface QuizSettingsFieldsProps {
  courseId: string;
  quiz: QuizDetail | undefined;
  lessons: readonly Lesson[];
  onDone: (quiz: QuizDetail) => void;
  onCancel: () => void;
}

function QuizSettingsFields({
  courseId,
  quiz,
  lessons,
  onDone,
  onCancel,
}: QuizSettingsFieldsProps) {
  const create = useCreateQuiz();
  const update = useUpdateQuiz();
  /** The quiz as the next save is checked against: as opened, or as a conflict found it. */
  const [against, setAgainst] = useState(quiz);
  const [conflict, setConflict] = useState<{ draft: QuizFormValues; current: QuizDetail } | null>(
    null,
  );
  const [formError, setFormError] = useState<unknown>(null);
  const form = useForm<QuizFormValues>({
    resolver: zodResolver(quizFormSchema),
    defaultValues: valuesOf(quiz),
  });
  const { errors } = form.formState;
  const canEditOptions = quiz === undefined || quiz.isOptionsValid;

  const onFailure = (values: QuizFormValues) => (error: unknown) => {
    const current = currentQuizOf(error);
    if (current && quiz) setConflict({ draft: values, current });
    else if (!placeFieldErrors(error, form.setError, FIELD_NAMES)) setFormError(error);
  };
  const save = (values: QuizFormValues, target: QuizDetail | undefined): void => {
    setFormError(null);
    const done = (saved: QuizDetail): void => {
      notifications.show({
        title: quiz ? 'Quiz saved' : 'Quiz created',
        message: quiz
          ? `“${saved.title}” has its new settings.`
          : `“${saved.title}” is ready for its questions.`,
      });
      onDone(saved);
    };
    if (target) {
      update.mutate(updateInput(values, target), { onSuccess: done, onError: onFailure(values) });
    } else {
      const passScore = values.passScore === '' ? null : values.passScore;
      create.mutate(
        {
          courseId,
          title: values.title,
          passScore,
          lessonId: values.lessonId === '' ? null : values.lessonId,
          options: {
            questions: [],
            shuffle: values.shuffle,
            ...(values.type !== '' && { type: values.type }),
          },
        },
        { onSuccess: done, onError: onFailure(values) },
      );
    }
  };
  const resolve = ({ values }: ConflictResolution<QuizFormValues>): void => {
    if (!conflict) return;
    setAgainst(conflict.current);
    form.reset(values);
    setConflict(null);
    save(values, conflict.current);
  };

  return (
    <form onSubmit={form.handleSubmit((values) => save(values, against))} noValidate>
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
          name="passScore"
          label="Pass score"
          description="The score a learner needs to pass; leave empty for none."
          error={errors.passScore}
        />
        <NativeSelect
          label="Lesson"
          description="The lesson the quiz belongs to, if any."
          data={[
            { value: '', label: '(no lesson)' },
            ...lessons.map((lesson) => ({
              value: lesson.id,
              label: `${lesson.position}. ${lesson.title}`,
            })),
          ]}
          error={fieldErrorText('Lesson', errors.lessonId)}
          {...form.register('lessonId')}
        />
        {canEditOptions ? (
          <>
            <TextInput
              label="Type"
              description="What kind of quiz, e.g. multiple_choice; lists and searches filter by it. Leave empty for none."
              error={fieldErrorText('Type', errors.type)}
              {...form.register('type')}
            />
            <Switch
              label="Shuffle questions (each learner sees them in another order)"
              {...form.register('shuffle')}
            />
          </>
        ) : (
          <Alert color="orange" title="Type and shuffle can't be changed here">
            This quiz's stored questions don't fit the question model, and both settings are kept
            with them. Repair the questions first; the other settings save as usual.
          </Alert>
        )}
        {formError !== null && (
          <ErrorAlert
            title={quiz ? "Couldn't save the quiz" : "Couldn't create the quiz"}
            error={formError}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending || update.isPending}>
            {quiz ? 'Save settings' : 'Create quiz'}
          </Button>
        </Group>
      </Stack>
      {conflict && (
        <ConflictDialog
          opened
          what="quiz"
          draft={conflict.draft}
          current={{ ...valuesOf(conflict.current), version: conflict.current.version }}
          base={valuesOf(against)}
          fields={conflictFields(lessons)}
          onResolve={resolve}
          onCancel={() => setConflict(null)}
        />
      )}
    </form>
  );
}
