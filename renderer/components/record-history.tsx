import { Anchor, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { hrefOf } from '../hooks/use-hash-path';
import type { AuditFilter } from '../hooks/use-audit';
import { AuditAsOf } from './audit-as-of';
import { AuditSearchFields, AuditTimeline, useAuditSearch } from './audit-timeline';
import { EmptyState } from './empty-state';

/** Whose changes a user's history shows: those made to the user, or those the user made. */
type UserHistoryScope = 'to' | 'by';

interface RecordHistoryProps {
  /** The record's table, as the audit log names it (`courses`, `users`). */
  table: string;
  recordId: string;
  /** What the record is, in words: "course". */
  noun: string;
  /** Admins may revert and undelete; support staff only read. */
  canRevert: boolean;
  /** A staff record: also offer the changes this person made, anywhere. */
  isActor?: boolean;
}

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
  isActor = false,
}: RecordHistoryProps) {
  const search = useAuditSearch();
  const [scope, setScope] = useState<UserHistoryScope>('to');
  const filter: AuditFilter = {
    ...(scope === 'by' ? { actorId: recordId } : { tableName: table, recordId }),
    ...search.filter,
  };
  return (
    <Stack gap="md">
      <Group align="flex-end">
        {isActor && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="history-scope">
              Show
            </Text>
            <SegmentedControl
              aria-labelledby="history-scope"
              value={scope}
              onChange={(value) => setScope(value === 'by' ? 'by' : 'to')}
              data={[
                { value: 'to', label: `Changes to this ${noun}` },
                { value: 'by', label: `Changes this ${noun} made` },
              ]}
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
        empty={
          <EmptyState title="No changes recorded">
            {scope === 'by'
              ? `Nothing this ${noun} changed is in the history yet.`
              : `The history has no change to this ${noun}: it was last changed before the history began.`}
          </EmptyState>
        }
      />
      <AuditAsOf record={{ tableName: table, recordId }} label={`This ${noun} as of`} />
    </Stack>
  );
}
