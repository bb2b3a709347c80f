import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Modal,
  NativeSelect,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { ApiCallError } from '../api';
import { useCoursesList } from '../hooks/use-courses-list';
import { hrefOf } from '../hooks/use-hash-path';
import {
  fileSizeProblem,
  importInputProblem,
  QUESTION_FILE_ACCEPT,
  QUESTION_FORMAT_LABELS,
  useImportApply,
  useImportPreview,
  type FileProblem,
  type ImportQuestionsInput,
  type ImportQuestionsResult,
  type QuestionFormat,
} from '../hooks/use-question-files';
import { useQuizzes } from '../hooks/use-quizzes';
import { QUESTION_KIND_LABELS } from '../question-draft';
import { FileDropZone } from './file-drop-zone';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

/** Where the file's questions go: a quiz per category (as the file has them), a quiz by title, or a quiz of the course. */
type Target = 'file' | 'new' | 'existing';

interface ChosenFile {
  name: string;
  content: string;
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** "12 single choice, 3 essay": a plan's questions by kind. */
function kindsInWords(byKind: ImportQuestionsResult['byKind']): string {
  const parts = Object.entries(byKind).map(
    ([kind, count]) =>
      `${count} ${QUESTION_KIND_LABELS[kind as keyof typeof QUESTION_KIND_LABELS].toLowerCase()}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'none';
}

const quizPath = (courseId: string, quizId: string): string =>
  `/courses/${courseId}/quizzes/${quizId}`;

/**
 * Things in a file at their lines, in a list that scrolls by keyboard too: a table with a name,
 * inside a focusable region, so a long list is read and scrolled without a mouse.
 */
function LineList({ label, items }: { label: string; items: readonly FileProblem[] }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      style={{ maxHeight: 260, overflowY: 'auto' }}
    >
      <Table withTableBorder striped aria-label={label} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Line</Table.Th>
            <Table.Th scope="col">Column</Table.Th>
            <Table.Th scope="col">Question</Table.Th>
            <Table.Th scope="col">What</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item, index) => (
            <Table.Tr key={`${item.line}-${item.column ?? ''}-${index}`}>
              <Table.Td>{item.line}</Table.Td>
              <Table.Td>{item.column ?? '—'}</Table.Td>
              <Table.Td>{item.questionTitle ?? '—'}</Table.Td>
              <Table.Td>{item.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** The success notice: how many questions went where, with a link to each quiz. */
function importedMessage(courseId: string, result: ImportQuestionsResult): ReactNode {
  return (
    <Stack gap={2}>
      <Text size="sm">
        {plural(result.questionCount, 'question was', 'questions were')} imported.
      </Text>
      {result.quizzes.map(
        (quiz) =>
          quiz.quizId && (
            <Anchor key={quiz.quizId} size="sm" href={hrefOf(quizPath(courseId, quiz.quizId))}>
              Open {quiz.title} ({plural(quiz.questionCount, 'question', 'questions')}{' '}
              {quiz.action === 'append' ? 'added' : 'in a new quiz'})
            </Anchor>
          ),
      )}
    </Stack>
  );
}

/** The course's quizzes, to add the file's questions to one of them. */
function ExistingQuizSelect({
  courseId,
  value,
  onChange,
}: {
  courseId: string;
  value: string;
  onChange: (title: string) => void;
}) {
  const quizzes = useQuizzes(courseId);
  const items = quizzes.data?.items ?? [];
  return (
    <NativeSelect
      label="Existing quiz"
      description={
        quizzes.isSuccess && items.length === 0
          ? 'This course has no quizzes yet: choose "A new quiz" instead.'
          : 'The questions are added after its own.'
      }
      error={quizzes.isError ? `Couldn't load the quizzes: ${quizzes.error.message}` : undefined}
      data={[
        { value: '', label: quizzes.isPending ? 'Loading quizzes…' : 'Choose a quiz' },
        ...items.map((quiz) => ({ value: quiz.title, label: quiz.title })),
      ]}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

interface QuestionImportDialogProps {
  opened: boolean;
  onClose: () => void;
  /** The course to import into, when the dialog is opened from one; otherwise it is chosen. */
  courseId?: string | null;
}

/**
 * Imports a question file (GIFT, Aiken, Moodle XML, CSV, JSON) into a course's quizzes in two
 * steps: Preview reads it through and shows what would be created and every problem at its line
 * and column, writing nothing; only a file without problems can then be imported, all questions
 * in one transaction, with progress and a way to cancel. Any change of file or settings asks for
 * a new preview, so what is imported is always what was previewed.
 */
export function QuestionImportDialog({
  opened,
  onClose,
  courseId: givenCourseId,
}: QuestionImportDialogProps) {
  const courses = useCoursesList({ search: '', published: 'all' });
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [chosenCourseId, setChosenCourseId] = useState('');
  const [format, setFormat] = useState<QuestionFormat | ''>('');
  const [target, setTarget] = useState<Target>('file');
  const [newTitle, setNewTitle] = useState('');
  const [existingTitle, setExistingTitle] = useState('');
  const [isSkippingUnsupported, setIsSkippingUnsupported] = useState(false);
  const [previewed, setPreviewed] = useState<{
    input: ImportQuestionsInput;
    result: ImportQuestionsResult;
  } | null>(null);
  const [refused, setRefused] = useState<ImportQuestionsResult | null>(null);

  const courseId = givenCourseId ?? chosenCourseId;
  const preview = useImportPreview(() => undefined);
  const apply = useImportApply((result) => {
    if (!result.isWritten) {
      // Something changed since the preview (a quiz of the same title appeared, say).
      setRefused(result);
      return;
    }
    notifications.show({
      title: 'Questions imported',
      message: importedMessage(courseId, result),
      autoClose: 15_000,
    });
    close();
  });

  /** Settings changed: the preview no longer says what an import would do. */
  const stale = (): void => {
    preview.cancel();
    preview.reset();
    apply.reset();
    setPreviewed(null);
    setRefused(null);
  };

  const close = (): void => {
    stale();
    setFile(null);
    setFileProblem(null);
    onClose();
  };

  const chooseFile = async (chosen: File | undefined): Promise<void> => {
    if (!chosen) return;
    stale();
    setFile(null);
    const tooLarge = fileSizeProblem(chosen);
    setFileProblem(tooLarge);
    if (tooLarge) return;
    try {
      setFile({ name: chosen.name, content: await chosen.text() });
    } catch (error) {
      setFileProblem(
        `${chosen.name} could not be read (${error instanceof Error ? error.message : String(error)}). Check that it is still there and readable, then choose it again.`,
      );
    }
  };

  const quizTitle =
    target === 'new' ? newTitle.trim() : target === 'existing' ? existingTitle : undefined;
  /** The import as the API takes it, or what is still missing, in words. */
  const input = ((): ImportQuestionsInput | string => {
    if (!file) return 'Choose a file.';
    if (courseId === '') return 'Choose the course to import into.';
    if (target === 'new' && quizTitle === '') return 'Type the new quiz’s title.';
    if (target === 'existing' && quizTitle === '') return 'Choose the quiz to add to.';
    return {
      courseId,
      content: file.content,
      fileName: file.name,
      ...(format !== '' && { format }),
      ...(quizTitle !== undefined && { quizTitle }),
      skipUnsupported: isSkippingUnsupported,
    };
  })();
  const sendProblem = typeof input === 'string' ? null : importInputProblem(input);

  const runPreview = (withSkipping = isSkippingUnsupported): void => {
    if (typeof input === 'string' || sendProblem) return;
    const checkedInput = { ...input, skipUnsupported: withSkipping };
    apply.reset();
    setRefused(null);
    preview.mutate(checkedInput, {
      onSuccess: (result) => setPreviewed({ input: checkedInput, result }),
    });
  };

  const result = refused ?? previewed?.result;
  /** Questions of kinds LMS Admin doesn't support: blocking, or left out once asked to. */
  const unsupported = [
    ...(result?.problems.filter((problem) => problem.feature) ?? []),
    ...(result?.skipped ?? []),
  ];
  const isReady =
    result !== undefined &&
    refused === null &&
    result.problems.length === 0 &&
    result.questionCount > 0;
  const formatError =
    preview.error instanceof ApiCallError ? preview.error.fields?.format : undefined;
  const isBusy = preview.isPending || apply.isPending;

  return (
    <Modal opened={opened} onClose={close} title="Import questions" size="xl">
      <Stack gap="md">
        <Text size="sm">
          GIFT, Aiken, Moodle XML, CSV or LMS Admin&apos;s JSON. Preview reads the file through
          first and lists every problem with its line; nothing is written until you import a file
          without problems.
        </Text>
        <FileDropZone
          label="Question file"
          prompt="Drop a question file here, or choose one:"
          accept={QUESTION_FILE_ACCEPT}
          disabled={isBusy}
          onFile={(chosen) => void chooseFile(chosen)}
        >
          <Text size="sm" aria-live="polite">
            {file
              ? `Chosen: ${file.name} (${plural(file.content.split('\n').length, 'line', 'lines')})`
              : 'No file chosen yet.'}
          </Text>
        </FileDropZone>
        {fileProblem && (
          <Alert color="red" title="This file can't be imported" role="alert">
            {fileProblem}
          </Alert>
        )}
        <Group grow align="flex-start">
          {givenCourseId == null && (
            <NativeSelect
              label="Course"
              description={
                courses.isSuccess && courses.items.length === 0
                  ? 'You have no courses to import into: create one first.'
                  : undefined
              }
              data={[
                { value: '', label: courses.isPending ? 'Loading courses…' : 'Choose a course' },
                ...courses.items.map((course) => ({ value: course.id, label: course.title })),
              ]}
              value={chosenCourseId}
              onChange={(event) => {
                stale();
                setChosenCourseId(event.currentTarget.value);
                setExistingTitle('');
              }}
              disabled={isBusy}
            />
          )}
          <NativeSelect
            label="Format"
            description="Detected from the file name; choose one if it is not."
            data={[
              { value: '', label: 'Detect from the file name' },
              ...Object.entries(QUESTION_FORMAT_LABELS).map(([value, label]) => ({
                value,
                label,
              })),
            ]}
            value={format}
            error={formatError}
            onChange={(event) => {
              stale();
              const value = event.currentTarget.value;
              setFormat(value in QUESTION_FORMAT_LABELS ? (value as QuestionFormat) : '');
            }}
            disabled={isBusy}
          />
        </Group>
        <Radio.Group
          label="Put the questions in"
          value={target}
          onChange={(value) => {
            stale();
            setTarget(value === 'new' || value === 'existing' ? value : 'file');
          }}
        >
          <Stack gap="xs" mt="xs">
            <Radio
              value="file"
              label="A quiz per category of the file"
              description="Named after the file where it has no categories; a quiz of the same title gets the questions added."
              disabled={isBusy}
            />
            <Radio value="new" label="One quiz, by title" disabled={isBusy} />
            <Radio
              value="existing"
              label="A quiz of the course"
              disabled={isBusy || courseId === ''}
            />
          </Stack>
        </Radio.Group>
        {target === 'new' && (
          <TextInput
            label="Quiz title"
            description="A new quiz, or the course's quiz of this title with the questions added."
            value={newTitle}
            onChange={(event) => {
              stale();
              setNewTitle(event.currentTarget.value);
            }}
            disabled={isBusy}
          />
        )}
        {target === 'existing' && courseId !== '' && (
          <ExistingQuizSelect
            courseId={courseId}
            value={existingTitle}
            onChange={(title) => {
              stale();
              setExistingTitle(title);
            }}
          />
        )}
        {sendProblem && (
          <Alert color="red" title="This file can't be sent" role="alert">
            {sendProblem}
          </Alert>
        )}
        {preview.isPending && (
          <LongCallProgress
            label="Preview progress"
            progress={preview.progress}
            onCancel={preview.cancel}
          />
        )}
        {preview.isError && (
          <ErrorAlert title="Couldn't preview the import" error={preview.error} />
        )}
        {result && (
          <Stack gap="sm">
            {refused ? (
              <Alert color="red" title="Nothing was imported" role="alert">
                The course changed since the preview, and the file no longer imports cleanly. The
                problems are listed below; preview again once they are sorted.
              </Alert>
            ) : isReady ? (
              <Alert color="green" title={`${file?.name ?? 'The file'} is ready to import`}>
                {plural(result.questionCount, 'question', 'questions')} (
                {kindsInWords(result.byKind)}), read as {QUESTION_FORMAT_LABELS[result.format]} (
                {result.formatReason}). Nothing has been written yet.
              </Alert>
            ) : result.problems.length === 0 ? (
              <Alert color="yellow" title="There are no questions to import">
                The file was read as {QUESTION_FORMAT_LABELS[result.format]} ({result.formatReason})
                and holds no questions. Check that it is the right file, or choose its format.
              </Alert>
            ) : (
              <Alert
                color="red"
                title={`${plural(result.problems.length, 'problem', 'problems')} in ${file?.name ?? 'the file'}; nothing was imported`}
              >
                Read as {QUESTION_FORMAT_LABELS[result.format]} ({result.formatReason}). Fix the
                lines below in the file, save it, and choose it again.
              </Alert>
            )}
            {result.quizzes.length > 0 && (
              <Table withTableBorder aria-label="Quizzes the import fills">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Quiz</Table.Th>
                    <Table.Th scope="col">Where</Table.Th>
                    <Table.Th scope="col">From line</Table.Th>
                    <Table.Th scope="col">Questions</Table.Th>
                    <Table.Th scope="col">By kind</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.quizzes.map((quiz) => (
                    <Table.Tr key={quiz.title}>
                      <Table.Td>{quiz.title}</Table.Td>
                      <Table.Td>
                        {quiz.action === 'create' ? 'New quiz' : 'Added to the existing quiz'}
                      </Table.Td>
                      <Table.Td>{quiz.line}</Table.Td>
                      <Table.Td>{quiz.questionCount}</Table.Td>
                      <Table.Td>{kindsInWords(quiz.byKind)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {result.problems.length > 0 && (
              <LineList label="Problems in the file" items={result.problems} />
            )}
            {unsupported.length > 0 && (
              <Checkbox
                label={`Leave out the ${plural(unsupported.length, 'question', 'questions')} LMS Admin doesn't support (${[
                  ...new Set(unsupported.map((problem) => problem.feature)),
                ].join(', ')}) and import the rest`}
                checked={isSkippingUnsupported}
                disabled={isBusy}
                onChange={(event) => {
                  const isSkipping = event.currentTarget.checked;
                  setIsSkippingUnsupported(isSkipping);
                  runPreview(isSkipping);
                }}
              />
            )}
            {result.skipped.length > 0 && (
              <>
                <Text size="sm" fw={600}>
                  {plural(result.skipped.length, 'question', 'questions')} will be left out, as LMS
                  Admin doesn&apos;t support{' '}
                  {[...new Set(result.skipped.map((item) => item.feature))].join(', ')}:
                </Text>
                <LineList label="Questions left out" items={result.skipped} />
              </>
            )}
            {result.notes.length > 0 && (
              <>
                <Text size="sm" fw={600}>
                  Read differently from the file, or not kept (no obstacle to the import):
                </Text>
                <LineList label="Notes on the file" items={result.notes} />
              </>
            )}
          </Stack>
        )}
        {apply.isPending && (
          <LongCallProgress
            label="Import progress"
            progress={apply.progress}
            onCancel={apply.cancel}
          />
        )}
        {apply.isError && (
          <ErrorAlert title="The import stopped; nothing was written" error={apply.error} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {isReady ? 'Cancel' : 'Close'}
          </Button>
          {isReady && previewed ? (
            <Button onClick={() => apply.mutate(previewed.input)} loading={apply.isPending}>
              Import {plural(result.questionCount, 'question', 'questions')}
            </Button>
          ) : (
            <Button
              onClick={() => runPreview()}
              loading={preview.isPending}
              disabled={typeof input === 'string' || sendProblem !== null}
              title={typeof input === 'string' ? input : undefined}
            >
              Preview import
            </Button>
          )}
        </Group>
        {typeof input === 'string' && (
          <Text size="sm" ta="right">
            {input}
          </Text>
        )}
      </Stack>
    </Modal>
  );
}

/** The button that opens the import, for a toolbar; `courseId` fixes the course when there is one. */
export function ImportQuestionsButton({ courseId }: { courseId?: string | null }) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setIsOpen(true)}>
        Import questions
      </Button>
      {/* Mounted only while open: each import starts afresh, and a closed one asks the API nothing. */}
      {isOpen && (
        <QuestionImportDialog opened onClose={() => setIsOpen(false)} courseId={courseId} />
      )}
    </>
  );
}
