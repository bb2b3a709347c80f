import {
  Button,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  SegmentedControl,
  Stack,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useCoursesList } from '../hooks/use-courses-list';
import type { BulkOperation } from '../hooks/use-question-bank';
import { useQuizzes } from '../hooks/use-quizzes';

type OperationKind = BulkOperation['kind'];

const OPERATIONS: { value: OperationKind; label: string }[] = [
  { value: 'replace', label: 'Find and replace' },
  { value: 'setPoints', label: 'Set points' },
  { value: 'setFeedback', label: 'Set or append feedback' },
  { value: 'addTags', label: 'Add tags' },
  { value: 'removeTags', label: 'Remove tags' },
  { value: 'setShuffle', label: 'Shuffle on or off (their quizzes)' },
  { value: 'setPublished', label: 'Publish or unpublish (their quizzes)' },
  { value: 'moveTo', label: 'Move to another quiz' },
  { value: 'copyTo', label: 'Copy to a quiz' },
  { value: 'delete', label: 'Delete' },
];

function isOperationKind(value: string): value is OperationKind {
  return OPERATIONS.some((operation) => operation.value === value);
}

/** Tags typed as a comma-separated list. */
const tagsOf = (text: string): string[] =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');

/** The quizzes of one course, to choose a move or copy target from. */
function TargetQuizSelect({
  courseId,
  value,
  onChange,
}: {
  courseId: string;
  value: string;
  onChange: (quizId: string) => void;
}) {
  const quizzes = useQuizzes(courseId);
  return (
    <NativeSelect
      label="Target quiz"
      data={[
        { value: '', label: quizzes.isPending ? 'Loading quizzes…' : 'Choose a quiz' },
        ...(quizzes.data?.items ?? []).map((quiz) => ({ value: quiz.id, label: quiz.title })),
      ]}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

interface BulkOperationFormProps {
  selectedCount: number;
  isPreviewing: boolean;
  onPreview: (operation: BulkOperation) => void;
}

/** Chooses an operation for the selected questions and its settings; Preview shows what it would do. */
export function BulkOperationForm({
  selectedCount,
  isPreviewing,
  onPreview,
}: BulkOperationFormProps) {
  const [kind, setKind] = useState<OperationKind>('replace');
  const [find, setFind] = useState('');
  const [replaceWith, setReplaceWith] = useState('');
  const [isRegex, setIsRegex] = useState(false);
  const [isCaseSensitive, setIsCaseSensitive] = useState(true);
  const [scopes, setScopes] = useState<string[]>(['text']);
  const [points, setPoints] = useState<number | string>(1);
  const [feedbackMode, setFeedbackMode] = useState<'set' | 'append'>('set');
  const [feedback, setFeedback] = useState('');
  const [tags, setTags] = useState('');
  const [isOn, setIsOn] = useState('on');
  const [targetCourseId, setTargetCourseId] = useState('');
  const [targetQuizId, setTargetQuizId] = useState('');
  const courses = useCoursesList({ search: '', published: 'all' });

  /** The operation as the API takes it, or why it can't be previewed yet. */
  const operation = ((): BulkOperation | string => {
    switch (kind) {
      case 'replace':
        if (find === '') return 'Type what to find.';
        if (scopes.length === 0) return 'Choose where to look: text, answers or feedback.';
        return {
          kind,
          find,
          replaceWith,
          isRegex,
          isCaseSensitive,
          scopes: scopes as ('text' | 'choices' | 'feedback')[],
        };
      case 'setPoints':
        return typeof points === 'number' && points >= 0
          ? { kind, points }
          : 'Points must be a number of 0 or more.';
      case 'setFeedback':
        return { kind, mode: feedbackMode, feedback };
      case 'addTags':
      case 'removeTags':
        return tagsOf(tags).length > 0 ? { kind, tags: tagsOf(tags) } : 'Type at least one tag.';
      case 'setShuffle':
        return { kind, shuffle: isOn === 'on' };
      case 'setPublished':
        return { kind, isPublished: isOn === 'on' };
      case 'moveTo':
      case 'copyTo':
        return targetQuizId ? { kind, targetQuizId } : 'Choose the target quiz.';
      case 'delete':
        return { kind };
    }
  })();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (typeof operation !== 'string') onPreview(operation);
  };

  return (
    <form onSubmit={submit} aria-label="Bulk operation">
      <Stack gap="xs">
        <NativeSelect
          label="Operation"
          data={OPERATIONS}
          value={kind}
          onChange={(event) => {
            const value = event.currentTarget.value;
            if (isOperationKind(value)) setKind(value);
          }}
        />
        {kind === 'replace' && (
          <>
            <TextInput label="Find" value={find} onChange={(e) => setFind(e.currentTarget.value)} />
            <TextInput
              label="Replace with"
              description={isRegex ? '$1, $<name> insert groups; $& the match' : undefined}
              value={replaceWith}
              onChange={(e) => setReplaceWith(e.currentTarget.value)}
            />
            <Group gap="md">
              <Checkbox
                label="Regular expression (RE2)"
                checked={isRegex}
                onChange={(e) => setIsRegex(e.currentTarget.checked)}
              />
              <Checkbox
                label="Match case"
                checked={isCaseSensitive}
                onChange={(e) => setIsCaseSensitive(e.currentTarget.checked)}
              />
            </Group>
            <Checkbox.Group label="Look in" value={scopes} onChange={setScopes}>
              <Group gap="md" mt={4}>
                <Checkbox value="text" label="Question text" />
                <Checkbox value="choices" label="Answers" />
                <Checkbox value="feedback" label="Feedback" />
              </Group>
            </Checkbox.Group>
          </>
        )}
        {kind === 'setPoints' && (
          <NumberInput
            label="Points"
            min={0}
            decimalScale={2}
            value={points}
            onChange={setPoints}
          />
        )}
        {kind === 'setFeedback' && (
          <>
            <SegmentedControl
              aria-label="Feedback mode"
              data={[
                { value: 'set', label: 'Replace' },
                { value: 'append', label: 'Append' },
              ]}
              value={feedbackMode}
              onChange={(value) => setFeedbackMode(value === 'append' ? 'append' : 'set')}
            />
            <Textarea
              label="General feedback"
              description={feedbackMode === 'set' ? 'Empty removes it' : 'Added as a new paragraph'}
              value={feedback}
              onChange={(e) => setFeedback(e.currentTarget.value)}
            />
          </>
        )}
        {(kind === 'addTags' || kind === 'removeTags') && (
          <TextInput
            label="Tags"
            description="Separated by commas"
            value={tags}
            onChange={(e) => setTags(e.currentTarget.value)}
          />
        )}
        {(kind === 'setShuffle' || kind === 'setPublished') && (
          <SegmentedControl
            aria-label={kind === 'setShuffle' ? 'Shuffle' : 'Published'}
            data={
              kind === 'setShuffle'
                ? [
                    { value: 'on', label: 'Shuffle on' },
                    { value: 'off', label: 'Shuffle off' },
                  ]
                : [
                    { value: 'on', label: 'Publish' },
                    { value: 'off', label: 'Unpublish' },
                  ]
            }
            value={isOn}
            onChange={setIsOn}
          />
        )}
        {(kind === 'moveTo' || kind === 'copyTo') && (
          <>
            <NativeSelect
              label="Target course"
              data={[
                { value: '', label: 'Choose a course' },
                ...courses.items.map((course) => ({ value: course.id, label: course.title })),
              ]}
              value={targetCourseId}
              onChange={(event) => {
                setTargetCourseId(event.currentTarget.value);
                setTargetQuizId('');
              }}
            />
            {targetCourseId !== '' && (
              <TargetQuizSelect
                courseId={targetCourseId}
                value={targetQuizId}
                onChange={setTargetQuizId}
              />
            )}
          </>
        )}
        <Button
          type="submit"
          disabled={selectedCount === 0 || typeof operation === 'string'}
          loading={isPreviewing}
          title={
            selectedCount === 0
              ? 'Select questions first'
              : typeof operation === 'string'
                ? operation
                : undefined
          }
        >
          Preview
        </Button>
      </Stack>
    </form>
  );
}
