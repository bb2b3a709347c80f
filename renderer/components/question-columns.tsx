import { Badge, Group, Text } from '@mantine/core';
import type { QuestionRow } from '../hooks/use-question-bank';
import { gridColumnHelper } from './data-grid';
import { EditableCell } from './editable-cell';

const column = gridColumnHelper<QuestionRow>();

/** Saves changed fields of one question; resolves to why it was refused, or null once saved. */
export type SaveQuestionFields = (
  row: QuestionRow,
  changes: { text?: string; points?: number },
) => Promise<string | null>;

/** Each kind's name, short for the grid's badge and in full for its tooltip. */
const KIND_LABELS: Record<string, { short: string; full: string }> = {
  single: { short: 'Single', full: 'Single choice' },
  multiple: { short: 'Multi', full: 'Multiple choice' },
  true_false: { short: 'T/F', full: 'True/false' },
  short_answer: { short: 'Short', full: 'Short answer' },
  numerical: { short: 'Num', full: 'Numerical' },
  matching: { short: 'Match', full: 'Matching' },
  essay: { short: 'Essay', full: 'Essay' },
};

/** How a question is named in labels: "question q3 of Quiz 2". */
const questionName = (row: QuestionRow): string => `question ${row.questionId} of ${row.quizTitle}`;

/** The question grid's columns; text and points edit in place unless read-only. */
export function questionColumnsFor(save: SaveQuestionFields, isReadOnly: boolean) {
  return column.columns([
    column.accessor('quizTitle', {
      header: 'Quiz',
      cell: (info) => (
        <Text span inherit title={`${info.row.original.courseTitle} › ${info.getValue()}`}>
          {info.getValue()}
        </Text>
      ),
    }),
    column.accessor('position', { header: '#', cell: (info) => info.getValue() + 1 }),
    column.accessor('kind', {
      header: 'Kind',
      cell: (info) => (
        <Badge
          variant="light"
          color={info.row.original.problem ? 'red' : 'gray'}
          title={KIND_LABELS[info.getValue()]?.full ?? info.getValue()}
        >
          {KIND_LABELS[info.getValue()]?.short ?? info.getValue()}
        </Badge>
      ),
    }),
    column.accessor('text', {
      header: 'Question',
      cell: (info) => {
        const row = info.row.original;
        if (row.problem) {
          return (
            <Text span inherit c="red" title={row.problem}>
              {row.text || '(no text)'} — can't be edited here: {row.problem}
            </Text>
          );
        }
        return (
          <EditableCell
            label={`Text of ${questionName(row)}`}
            value={row.text}
            column="text"
            rowIndex={info.row.index}
            isReadOnly={isReadOnly}
            onSave={(text) => save(row, { text })}
          />
        );
      },
    }),
    column.accessor('points', {
      header: 'Points',
      cell: (info) => {
        const row = info.row.original;
        if (row.problem) return info.getValue() ?? '—';
        return (
          <EditableCell
            label={`Points of ${questionName(row)}`}
            value={String(info.getValue() ?? '')}
            column="points"
            rowIndex={info.row.index}
            isReadOnly={isReadOnly}
            onSave={async (draft) => {
              const points = Number(draft.trim().replace(',', '.'));
              if (draft.trim() === '' || !Number.isFinite(points) || points < 0) {
                return 'Points must be a number of 0 or more, such as 1 or 2.5.';
              }
              return save(row, { points });
            }}
          />
        );
      },
    }),
    column.accessor('tags', {
      header: 'Tags',
      cell: (info) => (
        <Group gap={4} wrap="nowrap">
          {info.getValue().map((tag) => (
            <Badge key={tag} size="sm" variant="outline" color="dark">
              {tag}
            </Badge>
          ))}
        </Group>
      ),
    }),
    column.accessor('answers', {
      header: 'Answers',
      cell: (info) => (
        <Text span inherit title={info.getValue()}>
          {info.getValue()}
        </Text>
      ),
    }),
  ]);
}

export const questionColumnWidths: Readonly<Record<string, string>> = {
  quizTitle: '17%',
  position: '5%',
  kind: '10%',
  text: '33%',
  points: '8%',
  tags: '11%',
  answers: '16%',
};
