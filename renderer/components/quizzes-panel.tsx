import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import type { Question } from '../../db/schemas/quiz-options';
import { hrefOf, navigate } from '../hooks/use-hash-path';
import { usePageCommands } from '../hooks/use-page-commands';
import {
  currentQuizOf,
  useAddQuestion,
  useMoveQuestion,
  useQuiz,
  useQuizzes,
  useRemoveQuestion,
  useSetQuizPublished,
  useUpdateQuestion,
  type QuizDetail,
  type QuizSummary,
} from '../hooks/use-quizzes';
import { QUESTION_KIND_LABELS } from '../question-draft';
import { PublishedBadge } from './course-columns';
import { DeleteQuizDialog, type DeletedQuiz } from './delete-quiz-dialog';
import { DeletedQuizNotice } from './deleted-quiz-notice';
import { EmptyState } from './empty-state';
import { ErrorAlert } from './error-alert';
import { ExportQuestionsButton } from './question-export-dialog';
import { ImportQuestionsButton } from './question-import-dialog';
import { QuestionEditor } from './question-editor';
import { QuizFormModal, type QuizFormTarget } from './quiz-form';

interface QuizzesPanelProps {
  courseId: string;
  /** The quiz whose questions are open, or '' for the course's list of quizzes. */
  quizId: string;
  isReadOnly: boolean;
  /** Admins may undo a quiz's delete (an undelete from the audit history). */
  canUndelete: boolean;
}

interface QuizListProps {
  courseId: string;
  isReadOnly: boolean;
  canUndelete: boolean;
}

const quizPath = (courseId: string, quizId?: string): string =>
  `/courses/${courseId}/quizzes${quizId ? `/${quizId}` : ''}`;

/** A course's quizzes, or one quiz's questions. */
export function QuizzesPanel({ courseId, quizId, isReadOnly, canUndelete }: QuizzesPanelProps) {
  return quizId === '' ? (
    <QuizList courseId={courseId} isReadOnly={isReadOnly} canUndelete={canUndelete} />
  ) : (
    <QuizQuestions courseId={courseId} quizId={quizId} isReadOnly={isReadOnly} />
  );
}

function QuizList({ courseId, isReadOnly, canUndelete }: QuizListProps) {
  const quizzes = useQuizzes(courseId);
  const setPublished = useSetQuizPublished();
  const [settingsOf, setSettingsOf] = useState<QuizFormTarget>(null);
  const [deleting, setDeleting] = useState<QuizSummary | null>(null);
  const [deleted, setDeleted] = useState<DeletedQuiz | null>(null);
  const items = quizzes.data?.items ?? [];
  const startNew = (): void => setSettingsOf({});
  useHotkeys([['shift+Q', () => !isReadOnly && startNew()]]);
  usePageCommands(
    useMemo(
      () => (isReadOnly ? [] : [{ id: 'quiz-new', label: 'New quiz', onClick: startNew }]),
      [isReadOnly],
    ),
  );
  const newQuizButton = !isReadOnly && (
    <Button onClick={startNew} aria-keyshortcuts="Shift+Q">
      New quiz
    </Button>
  );
  const togglePublished = (quiz: QuizSummary): void =>
    setPublished.mutate(
      { id: quiz.id, version: quiz.version, isPublished: !quiz.isPublished },
      {
        onSuccess: (saved) =>
          notifications.show({
            title: saved.isPublished ? 'Quiz published' : 'Quiz unpublished',
            message: `“${saved.title}” is ${saved.isPublished ? 'published' : 'a draft again'}.`,
          }),
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: `Couldn't change “${quiz.title}”`,
            message: error.message,
          }),
      },
    );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          Quizzes
        </Title>
        <Group gap="xs">
          {!isReadOnly && <ImportQuestionsButton courseId={courseId} />}
          <ExportQuestionsButton courseId={courseId} />
          {newQuizButton}
        </Group>
      </Group>
      {deleted && (
        <DeletedQuizNotice
          deleted={deleted}
          canUndo={canUndelete}
          onDismiss={() => setDeleted(null)}
        />
      )}
      {quizzes.isError ? (
        <ErrorAlert
          title="Couldn't load the quizzes"
          error={quizzes.error}
          onRetry={() => void quizzes.refetch()}
        />
      ) : quizzes.isPending ? (
        <Loader size="sm" aria-label="Loading quizzes" />
      ) : items.length === 0 ? (
        <EmptyState title="No quizzes yet" action={newQuizButton}>
          {isReadOnly
            ? 'Quizzes appear here once an admin or the instructor adds them.'
            : 'Start one with New quiz (Shift+Q), then add its questions.'}
        </EmptyState>
      ) : (
        <Table aria-label="Quizzes" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Title</Table.Th>
              <Table.Th scope="col">Questions</Table.Th>
              <Table.Th scope="col">Pass score</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              {!isReadOnly && <Table.Th scope="col">Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((quiz) => (
              <Table.Tr key={quiz.id}>
                <Table.Td>
                  <Anchor href={hrefOf(quizPath(courseId, quiz.id))}>{quiz.title}</Anchor>
                </Table.Td>
                <Table.Td>{quiz.questionCount}</Table.Td>
                <Table.Td>{quiz.passScore ?? '—'}</Table.Td>
                <Table.Td>
                  <PublishedBadge isPublished={quiz.isPublished} />
                </Table.Td>
                {!isReadOnly && (
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setSettingsOf({ quizId: quiz.id })}
                        aria-label={`Edit settings of ${quiz.title}`}
                      >
                        Settings
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => togglePublished(quiz)}
                        loading={setPublished.isPending && setPublished.variables.id === quiz.id}
                        aria-label={`${quiz.isPublished ? 'Unpublish' : 'Publish'} ${quiz.title}`}
                      >
                        {quiz.isPublished ? 'Unpublish' : 'Publish'}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setDeleting(quiz)}
                        aria-label={`Delete ${quiz.title}`}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <QuizFormModal
        courseId={courseId}
        target={settingsOf}
        onClose={() => setSettingsOf(null)}
        onSaved={(quiz) => !settingsOf?.quizId && navigate(quizPath(courseId, quiz.id))}
      />
      <DeleteQuizDialog quiz={deleting} onClose={() => setDeleting(null)} onDeleted={setDeleted} />
    </Stack>
  );
}

/** A question in a line: its kind and the start of its text. */
function questionSummary(question: Question): string {
  const text = question.title ?? question.text;
  return text.length > 120 ? `${text.slice(0, 119)}…` : text || '(no text)';
}

/** Which question the editor is open on: a new one, an existing one, or none. */
type Editing = { question?: Question } | null;

function QuizQuestions({
  courseId,
  quizId,
  isReadOnly,
}: {
  courseId: string;
  quizId: string;
  isReadOnly: boolean;
}) {
  const quiz = useQuiz(quizId);
  const add = useAddQuestion();
  const update = useUpdateQuestion();
  const move = useMoveQuestion();
  const remove = useRemoveQuestion();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<Question | null>(null);
  const [conflictNote, setConflictNote] = useState<string | null>(null);
  const [settingsOf, setSettingsOf] = useState<QuizFormTarget>(null);
  const startNew = (): void => {
    add.reset();
    update.reset();
    setConflictNote(null);
    setEditing({});
  };
  useHotkeys([['shift+A', () => !isReadOnly && startNew()]]);
  usePageCommands(
    useMemo(
      () => [
        ...(isReadOnly
          ? []
          : [
              { id: 'question-new', label: 'Add question', onClick: startNew },
              {
                id: 'quiz-settings',
                label: 'Quiz settings',
                onClick: () => setSettingsOf({ quizId }),
              },
            ]),
        {
          id: 'quiz-back',
          label: 'Back to the quizzes',
          onClick: () => navigate(quizPath(courseId)),
        },
      ],
      // startNew only resets mutations and state setters, which are stable.
      [isReadOnly, courseId, quizId],
    ),
  );

  if (quiz.isError) {
    return (
      <ErrorAlert
        title="Couldn't open the quiz"
        error={quiz.error}
        onRetry={() => void quiz.refetch()}
      />
    );
  }
  const data = quiz.data;
  if (!data) return <Loader size="sm" aria-label="Loading the quiz" />;
  const questions: readonly unknown[] = data.options.questions;

  /** On CONFLICT the hook has already put the current quiz in place: say so, keep the edit open. */
  const explainConflict = (error: unknown): void => {
    const current = currentQuizOf(error);
    if (current) {
      setConflictNote(
        `Someone changed this quiz while you edited (it has ${current.questionCount} questions now). Your question is still here: check it and save again to apply it to the current quiz.`,
      );
    }
  };
  const save = (question: Question): void => {
    setConflictNote(null);
    const target = { quizId: data.id, version: data.version, question };
    const onSuccess = (): void => {
      notifications.show({ title: 'Question saved', message: questionSummary(question) });
      setEditing(null);
    };
    if (editing?.question) update.mutate(target, { onSuccess, onError: explainConflict });
    else add.mutate(target, { onSuccess, onError: explainConflict });
  };
  const moveTo = (question: Question, toIndex: number): void =>
    move.mutate(
      { quizId: data.id, version: data.version, questionId: question.id, toIndex },
      {
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: "Couldn't move the question",
            message: error.message,
          }),
      },
    );

  return (
    <Stack>
      <Anchor href={hrefOf(quizPath(courseId))} size="sm">
        ← All quizzes of the course
      </Anchor>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {data.title}: questions
        </Title>
        {!isReadOnly && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setSettingsOf({ quizId })}>
              Quiz settings
            </Button>
            {data.isOptionsValid && (
              <Button onClick={startNew} aria-keyshortcuts="Shift+A">
                Add question
              </Button>
            )}
          </Group>
        )}
      </Group>
      {!data.isOptionsValid && (
        <Alert color="orange" title="This quiz's stored questions don't fit the question model">
          <Text size="sm">They were written outside LMS Admin. What is wrong:</Text>
          <List size="sm">
            {data.problems.map((problem) => (
              <List.Item key={`${problem.path}: ${problem.message}`}>
                {problem.path}: {problem.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {data.isOptionsValid && data.options.questions.length === 0 ? (
        <EmptyState
          title="No questions yet"
          action={!isReadOnly && <Button onClick={startNew}>Add question</Button>}
        >
          {isReadOnly
            ? 'Questions appear here once an admin or the instructor writes them.'
            : 'Add the first question with Add question (Shift+A): single or multiple choice, true or false, short answer, numerical, matching or essay.'}
        </EmptyState>
      ) : (
        data.isOptionsValid && (
          <Stack
            component="ol"
            gap="xs"
            p={0}
            m={0}
            aria-label="Questions in order"
            style={{ listStyle: 'none' }}
          >
            {data.options.questions.map((question, index) => (
              <Paper component="li" withBorder p="xs" key={question.id}>
                <Group justify="space-between" wrap="nowrap">
                  <Stack gap={2}>
                    <Text fw={500}>
                      {index + 1}. {questionSummary(question)}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {QUESTION_KIND_LABELS[question.kind]} · {question.points} point
                      {question.points === 1 ? '' : 's'} · id {question.id}
                    </Text>
                  </Stack>
                  {!isReadOnly && (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        disabled={index === 0}
                        onClick={() => moveTo(question, index - 1)}
                        aria-label={`Move question ${index + 1} up`}
                      >
                        Up
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        disabled={index === questions.length - 1}
                        onClick={() => moveTo(question, index + 1)}
                        aria-label={`Move question ${index + 1} down`}
                      >
                        Down
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => {
                          add.reset();
                          update.reset();
                          setConflictNote(null);
                          setEditing({ question });
                        }}
                        aria-label={`Edit question ${index + 1}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setRemoving(question)}
                        aria-label={`Remove question ${index + 1}`}
                      >
                        Remove
                      </Button>
                    </Group>
                  )}
                </Group>
              </Paper>
            ))}
          </Stack>
        )
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.question ? `Edit question ${editing.question.id}` : 'New question'}
        size="xl"
      >
        {conflictNote && (
          <Alert color="yellow" mb="md" title="The quiz changed meanwhile">
            {conflictNote}
          </Alert>
        )}
        {editing && (
          <QuestionEditor
            question={editing.question}
            isSaving={add.isPending || update.isPending}
            saveError={
              currentQuizOf(add.error ?? update.error) ? null : (add.error ?? update.error)
            }
            onSave={save}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
      <QuizFormModal courseId={courseId} target={settingsOf} onClose={() => setSettingsOf(null)} />
      <RemoveQuestionDialog
        quiz={data}
        question={removing}
        isRemoving={remove.isPending}
        error={remove.error}
        onConfirm={(question) =>
          remove.mutate(
            { quizId: data.id, version: data.version, questionId: question.id },
            { onSuccess: () => setRemoving(null) },
          )
        }
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
      />
    </Stack>
  );
}

interface RemoveQuestionDialogProps {
  quiz: QuizDetail;
  question: Question | null;
  isRemoving: boolean;
  error: unknown;
  onConfirm: (question: Question) => void;
  onClose: () => void;
}

function RemoveQuestionDialog({
  quiz,
  question,
  isRemoving,
  error,
  onConfirm,
  onClose,
}: RemoveQuestionDialogProps) {
  return (
    <Modal opened={question !== null} onClose={onClose} title="Remove this question?">
      <Stack>
        <Text size="sm">
          “{question ? questionSummary(question) : ''}” is removed from {quiz.title}, with its
          answers and feedback. Attempts already made keep their scores.
        </Text>
        {error !== null && <ErrorAlert title="Couldn't remove the question" error={error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Keep it
          </Button>
          <Button color="red" loading={isRemoving} onClick={() => question && onConfirm(question)}>
            Remove question
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
