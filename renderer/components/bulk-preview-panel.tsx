import { Alert, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import type { ApiProgress } from '../../electron/api/contract';
import type { BulkPreview } from '../hooks/use-question-bank';
import { LongCallProgress } from './long-call-progress';
import classes from './bulk-preview-panel.module.css';

/** The most changes listed: enough to check the pattern did what was meant, cheap to draw. */
const LISTED_CHANGES = 200;

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** A value of a diff as text: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface BulkPreviewPanelProps {
  preview: BulkPreview;
  /** The apply under way, with its latest progress; null when none is. */
  applying: { progress: ApiProgress | null } | null;
  onApply: () => void;
  /** Stops the apply under way: nothing is written. */
  onCancelApply: () => void;
  /** Puts the preview away. */
  onCancel: () => void;
}

/** What an operation would change, question by question with before and after; Apply does exactly that. */
export function BulkPreviewPanel({
  preview,
  applying,
  onApply,
  onCancelApply,
  onCancel,
}: BulkPreviewPanelProps) {
  const questionChanges = preview.changes.filter((change) => change.questionId !== null).length;
  const canApply = preview.changes.length > 0 && preview.problems.length === 0;
  const panel = useRef<HTMLElement>(null);
  // A new preview is brought into view and focused, so keyboard and screen reader users land on it.
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest' });
    panel.current?.focus();
  }, [preview]);
  return (
    <Paper withBorder p="sm" aria-label="Preview" component="section" ref={panel} tabIndex={-1}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          Preview
        </Title>
        <Text size="sm" aria-live="polite">
          {preview.changes.length === 0
            ? `Nothing would change: none of the ${plural(preview.unchangedCount, 'selected question', 'selected questions')} matches.`
            : `${plural(questionChanges, 'question change', 'question changes')}${
                questionChanges < preview.changes.length
                  ? ` and ${plural(preview.changes.length - questionChanges, 'quiz setting', 'quiz settings')}`
                  : ''
              } in ${plural(preview.quizCount, 'quiz', 'quizzes')}; ${plural(preview.unchangedCount, 'selected question stays', 'selected questions stay')} as ${preview.unchangedCount === 1 ? 'it is' : 'they are'}.`}
        </Text>
        {preview.problems.length > 0 && (
          <Alert color="red" title="The result would not be valid" role="alert">
            <List size="sm">
              {preview.problems.slice(0, 20).map((problem, index) => (
                <List.Item key={index}>
                  {problem.quizTitle}
                  {problem.questionId ? `, question ${problem.questionId}` : ''}: {problem.path}{' '}
                  {problem.message}
                </List.Item>
              ))}
            </List>
            {preview.problems.length > 20 && (
              <Text size="sm">and {preview.problems.length - 20} more.</Text>
            )}
          </Alert>
        )}
        {preview.changes.length > 0 && (
          // Focusable, so the list scrolls by keyboard too.
          <div className={classes.scroller} tabIndex={0} role="region" aria-label="Changes list">
            <ul className={classes.changes} aria-label="Changes">
              {preview.changes.slice(0, LISTED_CHANGES).map((change, index) => (
                <li key={index}>
                  <Group gap={6} wrap="nowrap">
                    <Badge
                      size="sm"
                      variant="light"
                      color={
                        change.effect === 'removed'
                          ? 'red'
                          : change.effect === 'added'
                            ? 'green'
                            : 'blue'
                      }
                    >
                      {change.effect}
                    </Badge>
                    <Text size="sm" fw={600} truncate>
                      {change.quizTitle}
                      {change.questionId ? ` › ${change.questionId}` : ' (quiz)'}
                    </Text>
                  </Group>
                  {change.fields.map((field) => (
                    <div key={field.path} className={classes.field}>
                      <Text span size="xs" c="dimmed">
                        {field.path}:
                      </Text>{' '}
                      <del className={classes.before}>{shown(field.before)}</del>{' '}
                      <ins className={classes.after}>{shown(field.after)}</ins>
                    </div>
                  ))}
                  {change.fields.length === 0 && change.questionText !== null && (
                    <Text size="xs" c="dimmed" truncate>
                      {change.questionText}
                    </Text>
                  )}
                </li>
              ))}
            </ul>
            {preview.changes.length > LISTED_CHANGES && (
              <Text size="sm" c="dimmed">
                and {plural(preview.changes.length - LISTED_CHANGES, 'more change', 'more changes')}{' '}
                not listed.
              </Text>
            )}
          </div>
        )}
        {applying ? (
          <LongCallProgress
            label="Apply progress"
            progress={applying.progress}
            expectedTotal={preview.quizCount}
            onCancel={onCancelApply}
          />
        ) : (
          <Group>
            <Button onClick={onApply} disabled={!canApply}>
              Apply {plural(preview.changes.length, 'change', 'changes')}
            </Button>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
