import { Alert, Button, Group, List, Modal, NativeSelect, Radio, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { downloadText } from '../download';
import { useCoursesList } from '../hooks/use-courses-list';
import {
  QUESTION_FORMAT_LABELS,
  QUESTION_FORMAT_MIME,
  useQuestionExport,
  type ExportQuestionsInput,
  type ExportQuestionsResult,
  type QuestionFormat,
} from '../hooks/use-question-files';
import { useQuizzes } from '../hooks/use-quizzes';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

/** What to export: every quiz of a course, one quiz, or the questions selected in the question bank. */
type Scope = 'course' | 'quiz' | 'selection';

/** A question picked in the question bank's grid. */
export interface SelectedQuestion {
  courseId: string;
  quizId: string;
  questionId: string;
}

interface QuestionExportDialogProps {
  opened: boolean;
  onClose: () => void;
  /** The course (and quiz) to start from, e.g. the question bank's filters. */
  courseId?: string | null;
  quizId?: string | null;
  /** Questions selected where the dialog was opened; offered as a scope when there are any. */
  selection?: readonly SelectedQuestion[];
}

/**
 * Why a selection can't be exported as one file, or null: the export reads one course at a time.
 */
function selectionProblem(selection: readonly SelectedQuestion[]): string | null {
  const courseCount = new Set(selection.map((question) => question.courseId)).size;
  return courseCount > 1
    ? `The selected questions are in ${courseCount} courses; a file holds one course's questions. Narrow the grid to one course (its Course filter) and select again.`
    : null;
}

/** The export input for a selection: its course, and each question named with its quiz. */
function selectionInput(
  selection: readonly SelectedQuestion[],
  format: QuestionFormat,
): ExportQuestionsInput | null {
  const [first] = selection;
  if (!first) return null;
  return {
    courseId: first.courseId,
    format,
    questions: selection.map(({ quizId, questionId }) => ({ quizId, questionId })),
  };
}

/** The quizzes of the course, to export one of them. */
function QuizSelect({
  courseId,
  value,
  onChange,
}: {
  courseId: string;
  value: string;
  onChange: (quizId: string) => void;
}) {
  const quizzes = useQuizzes(courseId);
  const items = quizzes.data?.items ?? [];
  return (
    <NativeSelect
      label="Quiz"
      description={
        quizzes.isSuccess && items.length === 0 ? 'This course has no quizzes yet.' : undefined
      }
      error={quizzes.isError ? `Couldn't load the quizzes: ${quizzes.error.message}` : undefined}
      data={[
        { value: '', label: quizzes.isPending ? 'Loading quizzes…' : 'Choose a quiz' },
        ...items.map((quiz) => ({ value: quiz.id, label: quiz.title })),
      ]}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

/**
 * Exports questions to a file in one of the formats: a whole course, one quiz, or a selection.
 * The file downloads at once; what the format couldn't carry whole is listed, never dropped unsaid.
 */
export function QuestionExportDialog({
  opened,
  onClose,
  courseId: startCourseId,
  quizId: startQuizId,
  selection = [],
}: QuestionExportDialogProps) {
  const courses = useCoursesList({ search: '', published: 'all' });
  const hasSelection = selection.length > 0;
  const [format, setFormat] = useState<QuestionFormat>('moodle-xml');
  const [scope, setScope] = useState<Scope>(
    hasSelection ? 'selection' : startQuizId ? 'quiz' : 'course',
  );
  const [courseId, setCourseId] = useState(startCourseId ?? '');
  const [quizId, setQuizId] = useState(startQuizId ?? '');
  const [saved, setSaved] = useState<ExportQuestionsResult | null>(null);
  const effectiveScope: Scope = scope === 'selection' && !hasSelection ? 'course' : scope;

  const exported = useQuestionExport((result) => {
    downloadText(result.content, result.fileName, QUESTION_FORMAT_MIME[result.format]);
    notifications.show({
      title: 'Questions exported',
      message: `${result.questionCount} question${result.questionCount === 1 ? '' : 's'} from ${result.quizCount} quiz${result.quizCount === 1 ? '' : 'zes'} saved to ${result.fileName}.`,
    });
    if (result.notes.length > 0) setSaved(result);
    else close();
  });

  const close = (): void => {
    exported.cancel();
    exported.reset();
    setSaved(null);
    onClose();
  };

  const changed = (): void => {
    exported.reset();
    setSaved(null);
  };

  /** The export as the API takes it, or what is still missing, in words. */
  const input = ((): ExportQuestionsInput | string => {
    if (effectiveScope === 'selection') {
      return (
        selectionProblem(selection) ?? selectionInput(selection, format) ?? 'Select questions.'
      );
    }
    if (courseId === '') return 'Choose a course.';
    if (effectiveScope === 'quiz') {
      return quizId === '' ? 'Choose a quiz.' : { courseId, format, quizIds: [quizId] };
    }
    return { courseId, format };
  })();

  return (
    <Modal opened={opened} onClose={close} title="Export questions" size="lg">
      <Stack gap="md">
        <NativeSelect
          label="Format"
          data={Object.entries(QUESTION_FORMAT_LABELS).map(([value, label]) => ({ value, label }))}
          value={format}
          onChange={(event) => {
            changed();
            const value = event.currentTarget.value;
            if (value in QUESTION_FORMAT_LABELS) setFormat(value as QuestionFormat);
          }}
        />
        <Radio.Group
          label="Export"
          value={effectiveScope}
          onChange={(value) => {
            changed();
            setScope(value === 'quiz' || value === 'selection' ? value : 'course');
          }}
        >
          <Stack gap="xs" mt="xs">
            {hasSelection && (
              <Radio
                value="selection"
                label={`The ${selection.length} selected question${selection.length === 1 ? '' : 's'}`}
              />
            )}
            <Radio value="quiz" label="One quiz" />
            <Radio value="course" label="Every quiz of a course" />
          </Stack>
        </Radio.Group>
        {effectiveScope !== 'selection' && (
          <NativeSelect
            label="Course"
            description={
              courses.isSuccess && courses.items.length === 0
                ? 'There are no courses to export from yet.'
                : undefined
            }
            data={[
              { value: '', label: courses.isPending ? 'Loading courses…' : 'Choose a course' },
              ...courses.items.map((course) => ({ value: course.id, label: course.title })),
            ]}
            value={courseId}
            onChange={(event) => {
              changed();
              setCourseId(event.currentTarget.value);
              setQuizId('');
            }}
          />
        )}
        {effectiveScope === 'quiz' && courseId !== '' && (
          <QuizSelect
            courseId={courseId}
            value={quizId}
            onChange={(value) => {
              changed();
              setQuizId(value);
            }}
          />
        )}
        {exported.isPending && (
          <LongCallProgress
            label="Export progress"
            progress={exported.progress}
            onCancel={exported.cancel}
          />
        )}
        {exported.isError && <ErrorAlert title="Couldn't export" error={exported.error} />}
        {saved && (
          <Alert color="yellow" title={`Saved ${saved.fileName}, with what it couldn't carry`}>
            <Text size="sm">
              {QUESTION_FORMAT_LABELS[saved.format]} can&apos;t hold all of these questions whole:
            </Text>
            <List size="sm">
              {saved.notes.map((note, index) => (
                <List.Item key={`${note.quizTitle}-${note.questionId ?? ''}-${index}`}>
                  {note.quizTitle}
                  {note.questionId ? `, question ${note.questionId}` : ''}: {note.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {typeof input === 'string' && <Text size="sm">{input}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {saved ? 'Done' : 'Cancel'}
          </Button>
          <Button
            onClick={() => typeof input !== 'string' && exported.mutate(input)}
            loading={exported.isPending}
            disabled={typeof input === 'string'}
          >
            Export {QUESTION_FORMAT_LABELS[format]}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The button that opens the export, for a toolbar; the props are where it starts from. */
export function ExportQuestionsButton(
  props: Omit<QuestionExportDialogProps, 'opened' | 'onClose'>,
) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setIsOpen(true)}>
        Export questions
      </Button>
      {/* Mounted only while open, so it starts each time from the current filters and selection. */}
      {isOpen && <QuestionExportDialog opened onClose={() => setIsOpen(false)} {...props} />}
    </>
  );
}
