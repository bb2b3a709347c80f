import {
  Badge,
  Button,
  Code,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useCallback, useMemo, useState } from 'react';
import { counted } from '../format';
import { ApiCallError } from '../api';
import { BulkOperationForm } from '../components/bulk-operation-form';
import { BulkPreviewPanel } from '../components/bulk-preview-panel';
import { DataGrid } from '../components/data-grid';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert, errorMessage } from '../components/error-alert';
import { ListStatus } from '../components/list-status';
import {
  questionColumnsFor,
  questionColumnWidths,
  type SaveQuestionFields,
} from '../components/question-columns';
import { ExportQuestionsButton } from '../components/question-export-dialog';
import { ImportQuestionsButton } from '../components/question-import-dialog';
import { RecentBulkOperations } from '../components/recent-bulk-operations';
import { useCoursesList } from '../hooks/use-courses-list';
import {
  currentRowOf,
  questionRowId,
  useBulkApply,
  useBulkPreview,
  useBulkUndo,
  useEditQuestion,
  useQuestionSearch,
  useRecentBulkOperations,
  type BulkOperation,
  type BulkPreview,
  type BulkWriteResult,
  type QuestionKind,
  type QuestionRow,
} from '../hooks/use-question-bank';
import { useQuizzes } from '../hooks/use-quizzes';
import { useRowSelection } from '../hooks/use-row-selection';
import type { PageProps } from './app-pages';

/** Waits this long after the last keystroke before searching. */
const SEARCH_DEBOUNCE_MS = 250;
/** How long the notice of an applied operation, with its Undo, stays on screen. */
const UNDO_NOTICE_MS = 20_000;

const KIND_OPTIONS: { value: QuestionKind | ''; label: string }[] = [
  { value: '', label: 'All kinds' },
  { value: 'single', label: 'Single choice' },
  { value: 'multiple', label: 'Multiple choice' },
  { value: 'true_false', label: 'True/false' },
  { value: 'short_answer', label: 'Short answer' },
  { value: 'numerical', label: 'Numerical' },
  { value: 'matching', label: 'Matching' },
  { value: 'essay', label: 'Essay' },
];

function isKind(value: string): value is QuestionKind {
  return KIND_OPTIONS.some((option) => option.value !== '' && option.value === value);
}

/** The quizzes of the chosen course, to narrow the grid to one. */
function QuizFilter({
  courseId,
  value,
  onChange,
}: {
  courseId: string;
  value: string | null;
  onChange: (quizId: string | null) => void;
}) {
  const quizzes = useQuizzes(courseId);
  return (
    <NativeSelect
      label="Quiz"
      data={[
        { value: '', label: 'All quizzes' },
        ...(quizzes.data?.items ?? []).map((quiz) => ({ value: quiz.id, label: quiz.title })),
      ]}
      value={value ?? ''}
      onChange={(event) => onChange(event.currentTarget.value || null)}
      w={200}
    />
  );
}

/** Offers, in a notification, to undo a write just done (the recent operations list offers it for longer). */
function offerUndo(result: BulkWriteResult, onUndo: (operationId: string) => void): void {
  const { operationId } = result;
  if (operationId === null) return;
  const id = `bulk-${operationId}`;
  notifications.show({
    id,
    title: 'Changes applied',
    autoClose: UNDO_NOTICE_MS,
    message: (
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">
          {counted(result.changedQuestionCount, 'question', 'questions')} in{' '}
          {counted(result.quizzes.length, 'quiz', 'quizzes')} changed.
        </Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => {
            notifications.hide(id);
            onUndo(operationId);
          }}
        >
          Undo
        </Button>
      </Group>
    ),
  });
}

/**
 * The question bank: every question of the quizzes a person may see, in one virtualized grid,
 * filtered by course, quiz, kind, tag, text or a JSON path. Text and points edit in place; a
 * selection gets bulk operations, each previewed with a diff, applied all or nothing, undoable.
 */
export function QuestionBankPage({ isReadOnly }: PageProps) {
  const [courseId, setCourseId] = useState<string | null>(null);
  const [quizId, setQuizId] = useState<string | null>(null);
  const [kind, setKind] = useState<QuestionKind | null>(null);
  const [tag, setTag] = useState('');
  const [text, setText] = useState('');
  const [jsonpathDraft, setJsonpathDraft] = useState('');
  const [jsonpath, setJsonpath] = useState('');
  const [debouncedText] = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  const [debouncedTag] = useDebouncedValue(tag, SEARCH_DEBOUNCE_MS);
  const courses = useCoursesList({ search: '', published: 'all' });
  const list = useQuestionSearch({
    courseId,
    quizId,
    kind,
    tag: debouncedTag,
    text: debouncedText,
    jsonpath,
  });
  const { selection, selectedRows } = useRowSelection(list.items, questionRowId);
  // mutateAsync keeps its identity across renders, so the columns (and the cells in them, one of
  // which may have focus or a draft) are made once, not on every render of the page.
  const { mutateAsync: editQuestion } = useEditQuestion();
  const preview = useBulkPreview();
  const apply = useBulkApply();
  const undo = useBulkUndo();
  const recent = useRecentBulkOperations();
  const [undoingId, setUndoingId] = useState<string | null>(null);
  const [previewed, setPreviewed] = useState<{
    operation: BulkOperation;
    selection: { quizId: string; questionId: string }[];
    result: BulkPreview;
  } | null>(null);

  const save: SaveQuestionFields = useCallback(
    async (row: QuestionRow, changes) => {
      try {
        await editQuestion({
          quizId: row.quizId,
          version: row.quizVersion,
          questionId: row.questionId,
          changes,
        });
        return null;
      } catch (error) {
        const current = currentRowOf(error);
        if (current) {
          return `Someone changed this quiz meanwhile; the question now reads "${current.text}" (${current.points ?? '—'} points). Press Enter to save yours over it, or Escape to keep theirs.`;
        }
        return errorMessage(error);
      }
    },
    [editQuestion],
  );
  const columns = useMemo(() => questionColumnsFor(save, isReadOnly), [save, isReadOnly]);

  const isFiltered =
    courseId !== null ||
    kind !== null ||
    tag.trim() !== '' ||
    text.trim() !== '' ||
    jsonpath !== '';
  const clearFilters = (): void => {
    setCourseId(null);
    setQuizId(null);
    setKind(null);
    setTag('');
    setText('');
    setJsonpathDraft('');
    setJsonpath('');
  };
  const jsonpathError =
    list.error instanceof ApiCallError ? list.error.fields?.jsonpath : undefined;

  const runPreview = (operation: BulkOperation): void => {
    const refs = selectedRows.map((row) => ({ quizId: row.quizId, questionId: row.questionId }));
    apply.reset();
    preview.mutate(
      { selection: refs, operation },
      { onSuccess: (result) => setPreviewed({ operation, selection: refs, result }) },
    );
  };

  const runApply = (): void => {
    if (!previewed) return;
    apply.mutate(
      {
        selection: previewed.selection,
        operation: previewed.operation,
        expectedVersions: previewed.result.versions,
      },
      {
        onSuccess: (result) => {
          setPreviewed(null);
          offerUndo(result, runUndo);
        },
      },
    );
  };

  const runUndo = (operationId: string): void => {
    setUndoingId(operationId);
    undo.mutate(
      { operationId },
      {
        onSuccess: (undone) =>
          notifications.show({
            title: 'Undone',
            message: `${counted(undone.quizzes.length, 'quiz', 'quizzes')} put back as ${undone.quizzes.length === 1 ? 'it was' : 'they were'}.`,
          }),
        onSettled: () => setUndoingId(null),
      },
    );
  };

  return (
    <Stack h="100%" gap="md">
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          Question bank
        </Title>
        {isReadOnly && (
          <Badge variant="outline" color="dark" mt={8}>
            Read-only
          </Badge>
        )}
        <Group gap="xs">
          {!isReadOnly && <ImportQuestionsButton />}
          <ExportQuestionsButton courseId={courseId} quizId={quizId} selection={selectedRows} />
        </Group>
      </Group>
      <Group align="flex-end" gap="sm">
        <NativeSelect
          label="Course"
          data={[
            { value: '', label: 'All courses' },
            ...courses.items.map((course) => ({ value: course.id, label: course.title })),
          ]}
          value={courseId ?? ''}
          onChange={(event) => {
            setCourseId(event.currentTarget.value || null);
            setQuizId(null);
          }}
          w={200}
        />
        {courseId !== null && (
          <QuizFilter courseId={courseId} value={quizId} onChange={setQuizId} />
        )}
        <NativeSelect
          label="Kind"
          data={KIND_OPTIONS}
          value={kind ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setKind(isKind(value) ? value : null);
          }}
        />
        <TextInput
          label="Tag"
          value={tag}
          onChange={(event) => setTag(event.currentTarget.value)}
          w={120}
        />
        <TextInput
          label="Search questions"
          description="Anywhere in the text"
          type="search"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          w={220}
        />
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setJsonpath(jsonpathDraft.trim());
          }}
        >
          <TextInput
            label="JSON path"
            description={
              <>
                Enter to apply, e.g. <Code>$ ? (@.points &gt; 2)</Code>
              </>
            }
            value={jsonpathDraft}
            error={jsonpathError}
            onChange={(event) => setJsonpathDraft(event.currentTarget.value)}
            onBlur={() => setJsonpath(jsonpathDraft.trim())}
            w={240}
          />
        </form>
        {isFiltered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>
      <Group justify="space-between">
        <ListStatus
          noun={['question', 'questions']}
          count={list.items.length}
          isPending={list.isPending}
          hasMore={list.hasNextPage}
          isFetching={list.isFetching}
        />
        {!isReadOnly && (
          <Text size="sm" aria-live="polite">
            {selection.count} selected
          </Text>
        )}
      </Group>
      <Group align="stretch" flex={1} mih={0} wrap="nowrap">
        <Stack flex={1} mih={0} miw={0}>
          {list.isError ? (
            <ErrorAlert
              title="Couldn't search questions"
              error={list.error}
              onRetry={() => void list.refetch()}
            />
          ) : list.isPending ? (
            <Loader size="sm" aria-label="Loading questions" />
          ) : list.items.length === 0 ? (
            isFiltered ? (
              <EmptyState
                title="No questions match these filters"
                action={
                  <Button variant="light" onClick={clearFilters}>
                    Show all questions
                  </Button>
                }
              >
                Search for a shorter part of the text, or another kind, tag or course.
              </EmptyState>
            ) : (
              <EmptyState title="No questions yet">
                Questions appear here once a quiz has some: add them in a course&apos;s quizzes, or
                import a file with <Code>lms-admin quizzes import FILE --course SLUG</Code>.
              </EmptyState>
            )
          ) : (
            <DataGrid
              label="Questions"
              rows={list.items}
              columns={columns}
              columnWidths={questionColumnWidths}
              getRowId={questionRowId}
              hasMore={list.hasNextPage}
              isLoadingMore={list.isFetchingNextPage}
              onLoadMore={() => void list.fetchNextPage()}
              {...(!isReadOnly && {
                selection,
                rowLabel: (row: QuestionRow) => `question ${row.questionId} of ${row.quizTitle}`,
              })}
            />
          )}
        </Stack>
        {!isReadOnly && (
          <Paper
            withBorder
            p="sm"
            w={320}
            style={{ overflowY: 'auto' }}
            component="aside"
            aria-label="Bulk operations"
          >
            <Stack gap="sm">
              <Title order={2} size="h4">
                Bulk operations
              </Title>
              <Text size="sm" c="dimmed">
                {selection.count === 0
                  ? 'Select questions in the grid (Shift extends, Ctrl+A selects all loaded).'
                  : `${selection.count} question${selection.count === 1 ? '' : 's'} selected.`}
              </Text>
              <BulkOperationForm
                selectedCount={selection.count}
                isPreviewing={preview.isPending}
                onPreview={runPreview}
              />
              {preview.isError && <ErrorAlert title="Couldn't preview" error={preview.error} />}
              {apply.isError && (
                <ErrorAlert
                  title="Nothing was applied"
                  error={apply.error}
                  onRetry={previewed ? () => runPreview(previewed.operation) : undefined}
                />
              )}
              {previewed && (
                <BulkPreviewPanel
                  preview={previewed.result}
                  applying={apply.isPending ? { progress: apply.progress } : null}
                  onApply={runApply}
                  onCancelApply={apply.cancel}
                  onCancel={() => setPreviewed(null)}
                />
              )}
              <RecentBulkOperations
                operations={recent.data?.items}
                loadError={recent.error}
                undoing={
                  undoingId === null ? null : { operationId: undoingId, progress: undo.progress }
                }
                undoError={undo.error}
                onUndo={(record) => runUndo(record.id)}
                onCancelUndo={undo.cancel}
              />
            </Stack>
          </Paper>
        )}
      </Group>
    </Stack>
  );
}
