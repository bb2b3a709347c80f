import {
  Button,
  Group,
  NativeSelect,
  ScrollArea,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode, type Ref } from 'react';
import { useAuditList, type AuditEntry, type AuditFilter } from '../hooks/use-audit';
import { AuditEntryPanel, describeActor, describeRecord } from './audit-entry-panel';
import { personalFields } from './audit-field-diff';
import { ListBody } from './list-body';

const SEARCH_DEBOUNCE_MS = 250;

const ACTION_OPTIONS = [
  { value: '', label: 'All actions' },
  { value: 'INSERT', label: 'Created' },
  { value: 'UPDATE', label: 'Changed' },
  { value: 'DELETE', label: 'Deleted' },
];

function isAction(value: string): value is NonNullable<AuditFilter['action']> {
  return value === 'INSERT' || value === 'UPDATE' || value === 'DELETE';
}

/** The text and action filters every history view offers, as typed, and the filter they make. */
export function useAuditSearch() {
  const [text, setText] = useState('');
  const [action, setAction] = useState('');
  const [debouncedText] = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  const filter: Pick<AuditFilter, 'action' | 'text'> = {
    ...(isAction(action) && { action }),
    ...(debouncedText !== '' && { text: debouncedText }),
  };
  return {
    text,
    setText,
    action,
    setAction,
    filter,
    isFiltered: action !== '' || text.trim() !== '',
    clear: (): void => {
      setText('');
      setAction('');
    },
  };
}

export type AuditSearch = ReturnType<typeof useAuditSearch>;

/** The search box and the action choice of `useAuditSearch`; `children` go between them. */
export function AuditSearchFields({
  search,
  searchRef,
  children,
}: {
  search: AuditSearch;
  searchRef?: Ref<HTMLInputElement>;
  children?: ReactNode;
}) {
  return (
    <>
      <TextInput
        ref={searchRef}
        label="Search changes"
        description="Text anywhere in a record before or after the change"
        type="search"
        value={search.text}
        onChange={(event) => search.setText(event.currentTarget.value)}
        w={300}
      />
      {children}
      <NativeSelect
        label="Action"
        data={ACTION_OPTIONS}
        value={search.action}
        onChange={(event) => search.setAction(event.currentTarget.value)}
      />
    </>
  );
}

interface AuditTimelineProps {
  filter: AuditFilter;
  /** Whether the person narrowed the history: an empty answer then offers to clear it. */
  isFiltered: boolean;
  onClearFilters: () => void;
  /** What to try when the filters match nothing. */
  noMatchHint: string;
  /** What an empty, unfiltered history shows. */
  empty: ReactNode;
  /** Admins may revert and undelete; support staff only read. */
  canRevert: boolean;
}

/**
 * Changes newest first (when, what, which fields, who, from where), a page at a time; the one
 * chosen opens beside them with its field diff, as-of view and (for admins) revert. The audit page
 * and every record's History tab show history through this one view.
 */
export function AuditTimeline({
  filter,
  isFiltered,
  onClearFilters,
  noMatchHint,
  empty,
  canRevert,
}: AuditTimelineProps) {
  const list = useAuditList(filter);
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  return (
    <Group align="flex-start" wrap="nowrap" gap="md" style={{ flex: 1, minHeight: 0 }}>
      <ScrollArea style={{ flex: 1, height: '100%' }}>
        <ListBody
          noun={['change', 'changes']}
          list={list}
          isFiltered={isFiltered}
          onClearFilters={onClearFilters}
          noMatchHint={noMatchHint}
          empty={empty}
        >
          <Table aria-label="Changes" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Change</Table.Th>
                <Table.Th scope="col">Record</Table.Th>
                <Table.Th scope="col">Fields</Table.Th>
                <Table.Th scope="col">Who</Table.Th>
                <Table.Th scope="col">From</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((entry) => (
                <Table.Tr
                  key={entry.seq}
                  bg={selected?.seq === entry.seq ? 'var(--mantine-color-blue-light)' : undefined}
                >
                  <Table.Td>{entry.createdAt.toLocaleString()}</Table.Td>
                  <Table.Td>
                    <UnstyledButton
                      onClick={() => setSelected(entry)}
                      aria-pressed={selected?.seq === entry.seq}
                    >
                      <Text size="sm" td="underline">
                        {entry.action} {entry.tableName} #{entry.seq}
                      </Text>
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td>{describeRecord(entry)}</Table.Td>
                  <Table.Td>{personalFields(entry.changedFields ?? []).join(', ')}</Table.Td>
                  <Table.Td>{describeActor(entry)}</Table.Td>
                  <Table.Td>
                    {entry.source}
                    {entry.actorIp ? ` · ${entry.actorIp}` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.hasNextPage && (
            <Button
              variant="default"
              mt="sm"
              onClick={() => void list.fetchNextPage()}
              loading={list.isFetchingNextPage}
            >
              Show older changes
            </Button>
          )}
        </ListBody>
      </ScrollArea>
      {selected && (
        <ScrollArea style={{ flex: 1, height: '100%' }}>
          <AuditEntryPanel key={selected.seq} entry={selected} canRevert={canRevert} />
        </ScrollArea>
      )}
    </Group>
  );
}
