import {
  Badge,
  Button,
  Group,
  Kbd,
  NativeSelect,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { lmsTables } from '../../db/schemas/lms-tables';
import { AuditEntryPanel, describeActor } from '../components/audit-entry-panel';
import { EmptyState } from '../components/empty-state';
import { ListBody } from '../components/list-body';
import { useAuditList, type AuditEntry, type AuditFilter } from '../hooks/use-audit';
import type { PageProps } from './app-pages';

const SEARCH_DEBOUNCE_MS = 250;

const TABLE_OPTIONS = [
  { value: '', label: 'All tables' },
  ...lmsTables.map((table) => ({ value: table, label: table })),
];
const ACTION_OPTIONS = [
  { value: '', label: 'All actions' },
  { value: 'INSERT', label: 'Created' },
  { value: 'UPDATE', label: 'Changed' },
  { value: 'DELETE', label: 'Deleted' },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isAction(value: string): value is NonNullable<AuditFilter['action']> {
  return value === 'INSERT' || value === 'UPDATE' || value === 'DELETE';
}

/**
 * The audit history: every change to every record (who, when, from where, through what), newest
 * first, filtered; a change opens with its fields before and after, the record as of a moment,
 * and for admins revert and undelete.
 */
export function AuditPage({ isReadOnly, user, subPath }: PageProps) {
  // `#/audit/<table>/<record id>`: one record's history, as its page's History link opens it.
  const [linkedTable = '', linkedRecord = ''] = subPath.split('/').slice(1);
  const [table, setTable] = useState(linkedTable);
  const [recordId, setRecordId] = useState(linkedRecord);
  useEffect(() => {
    setTable(linkedTable);
    setRecordId(linkedRecord);
  }, [linkedTable, linkedRecord]);
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const [debouncedText] = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const trimmedRecord = recordId.trim();
  const isRecordValid = trimmedRecord === '' || UUID.test(trimmedRecord);
  const filter: AuditFilter = {
    ...(table !== '' && { tableName: table }),
    ...(table !== '' && trimmedRecord !== '' && isRecordValid && { recordId: trimmedRecord }),
    ...(isAction(action) && { action }),
    ...(debouncedText !== '' && { text: debouncedText }),
  };
  const list = useAuditList(filter);
  const isFiltered = table !== '' || trimmedRecord !== '' || action !== '' || text.trim() !== '';
  const clearFilters = (): void => {
    setTable('');
    setRecordId('');
    setAction('');
    setText('');
  };
  useHotkeys([['/', () => searchRef.current?.focus()]]);
  const canRevert = !isReadOnly && user.role === 'admin';

  return (
    <Stack h="100%" gap="md">
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          Audit history
        </Title>
        {!canRevert && (
          <Badge variant="outline" color="dark" mt={8}>
            Read-only
          </Badge>
        )}
      </Group>
      <Group align="flex-end">
        <TextInput
          ref={searchRef}
          label="Search changes"
          description="Text anywhere in a record before or after the change"
          type="search"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          w={300}
        />
        <NativeSelect
          label="Table"
          data={TABLE_OPTIONS}
          value={table}
          onChange={(event) => setTable(event.currentTarget.value)}
        />
        <TextInput
          label="Record id"
          description="One record's history (choose its table)"
          value={recordId}
          onChange={(event) => setRecordId(event.currentTarget.value)}
          error={
            !isRecordValid
              ? 'Not a record id (UUID)'
              : trimmedRecord !== '' && table === ''
                ? 'Choose the table too'
                : undefined
          }
          w={320}
        />
        <NativeSelect
          label="Action"
          data={ACTION_OPTIONS}
          value={action}
          onChange={(event) => setAction(event.currentTarget.value)}
        />
        {isFiltered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        Keys: <Kbd size="xs">/</Kbd> search · <Kbd size="xs">Tab</Kbd> to a change and{' '}
        <Kbd size="xs">Enter</Kbd> opens it
      </Text>
      <Group align="flex-start" wrap="nowrap" gap="md" style={{ flex: 1, minHeight: 0 }}>
        <ScrollArea style={{ flex: 1, height: '100%' }}>
          <ListBody
            noun={['change', 'changes']}
            list={list}
            isFiltered={isFiltered}
            onClearFilters={clearFilters}
            noMatchHint="Search for a shorter part of the text, or show every table and action."
            empty={
              <EmptyState title="No changes yet">
                Every change to users, courses, lessons, quizzes, enrollments, progress and attempts
                appears here, whoever made it and however (the app, the CLI, sync or plain SQL).
              </EmptyState>
            }
          >
            <Table aria-label="Changes" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">When</Table.Th>
                  <Table.Th scope="col">Change</Table.Th>
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
                        aria-label={`Show change #${entry.seq}: ${entry.action} ${entry.tableName}`}
                        aria-pressed={selected?.seq === entry.seq}
                      >
                        <Text size="sm" td="underline">
                          {entry.action} {entry.tableName} #{entry.seq}
                        </Text>
                      </UnstyledButton>
                    </Table.Td>
                    <Table.Td>
                      {(entry.changedFields ?? [])
                        .filter((field) => field !== 'updated_at' && field !== 'version')
                        .join(', ')}
                    </Table.Td>
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
    </Stack>
  );
}
