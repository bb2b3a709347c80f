import { Anchor, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { hrefOf } from '../hooks/use-hash-path';
import type { AuditFilter } from '../hooks/use-audit';
import { AuditAsOf } from './audit-as-of';
import { AuditSearchFields, AuditTimeline, useAuditSearch } from './audit-timeline';
import { EmptyState } from './empty-state';

/**
 * Which changes the tab shows: those made to the record; for a person, those they made anywhere;
 * for a course, its own together with its lessons', quizzes' and enrollments'.
 */
type HistoryScope = 'record' | 'actor' | 'course';

interface RecordHistoryProps {
  /** The record's table, as the audit log names it (`courses`, `users`). */
  table: string;
  recordId: string;
  /** What the record is, in words: "course". */
  noun: string;
  /** Admins may revert and undelete; support staff only read. */
  canRevert: boolean;
  /**
   * A second scope to offer beside the record's own changes: for a staff record the changes the
   * person made anywhere, for a course the course with its lessons, quizzes and enrollments.
   */
  otherScope?: Exclude<HistoryScope, 'record'>;
}

/** The scopes a record's tab offers (none: no choice is shown). */
function scopeChoices(noun: string, otherScope: RecordHistoryProps['otherScope']) {
  if (otherScope === 'actor') {
    return [
      { value: 'record', label: `Changes to this ${noun}` },
      { value: 'actor', label: `Changes this ${noun} made` },
    ];
  }
  if (otherScope === 'course') {
    return [
      { value: 'record', label: `This ${noun}` },
      { value: 'course', label: 'Course and its lessons, quizzes and enrollments' },
    ];
  }
  return [];
}

function filterOf(scope: HistoryScope, table: string, recordId: string): AuditFilter {
  if (scope === 'actor') return { actorId: recordId };
  if (scope === 'course') return { courseId: recordId };
  return { tableName: table, recordId };
}

const EMPTY_TEXTS: Record<HistoryScope, (noun: string) => string> = {
  record: (noun) =>
    `The history has no change to this ${noun}: it was last changed before the history began.`,
  actor: (noun) => `Nothing this ${noun} changed is in the history yet.`,
  course: (noun) =>
    `The history has no change to this ${noun} or what belongs to it: they were last changed before the history began.`,
};

/**
 * A record's History tab: its changes newest first (who, when, from where, the fields before and
 * after), searchable and filtered by action, the record as of any moment, and for admins revert
 * and undelete, through the same timeline as the audit page.
 */
export function RecordHistory({
  table,
  recordId,
  noun,
  canRevert,
  otherScope,
}: RecordHistoryProps) {
  const search = useAuditSearch();
  const [scope, setScope] = useState<HistoryScope>('record');
  const choices = scopeChoices(noun, otherScope);
  const filter: AuditFilter = { ...filterOf(scope, table, recordId), ...search.filter };
  return (
    <Stack gap="md">
      <Group align="flex-end">
        {choices.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="history-scope">
              Show
            </Text>
            <SegmentedControl
              aria-labelledby="history-scope"
              value={scope}
              onChange={(value) =>
                setScope(value === 'actor' || value === 'course' ? value : 'record')
              }
              data={choices}
            />
          </Stack>
        )}
        <AuditSearchFields search={search} />
      </Group>
      <Text size="xs" c="dimmed">
        {canRevert
          ? 'Open a change to see its fields before and after, and to revert it.'
          : 'Open a change to see its fields before and after. Only admins can revert.'}{' '}
        <Anchor href={hrefOf(`/audit/${table}/${recordId}`)} size="xs" underline="always">
          Open in the audit history
        </Anchor>
      </Text>
      <AuditTimeline
        filter={filter}
        isFiltered={search.isFiltered}
        onClearFilters={search.clear}
        noMatchHint="Search for a shorter part of the text, or show every action."
        canRevert={canRevert}
        empty={<EmptyState title="No changes recorded">{EMPTY_TEXTS[scope](noun)}</EmptyState>}
      />
      <AuditAsOf record={{ tableName: table, recordId }} label={`This ${noun} as of`} />
    </Stack>
  );
}
