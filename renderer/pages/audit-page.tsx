import {
  Badge,
  Button,
  Group,
  Kbd,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { lmsTables } from '../../db/schemas/lms-tables';
import { AuditSearchFields, AuditTimeline, useAuditSearch } from '../components/audit-timeline';
import { EmptyState } from '../components/empty-state';
import { ExportAuditButton } from '../components/export-audit-button';
import type { AuditFilter } from '../hooks/use-audit';
import type { PageProps } from './app-pages';

const TABLE_OPTIONS = [
  { value: '', label: 'All tables' },
  ...lmsTables.map((table) => ({ value: table, label: table })),
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The audit history: every change to every record (who, when, from where, through what), newest
 * first, filtered; a change opens with its fields before and after, the record as of a moment,
 * and for admins revert and undelete.
 */
export function AuditPage({ isReadOnly, user, subPath }: PageProps) {
  // `#/audit/<table>/<record id>`: one record's history, from a link or a History tab.
  const [linkedTable = '', linkedRecord = ''] = subPath.split('/').slice(1);
  const [table, setTable] = useState(linkedTable);
  const [recordId, setRecordId] = useState(linkedRecord);
  useEffect(() => {
    setTable(linkedTable);
    setRecordId(linkedRecord);
  }, [linkedTable, linkedRecord]);
  const search = useAuditSearch();
  const searchRef = useRef<HTMLInputElement>(null);
  const trimmedRecord = recordId.trim();
  const isRecordValid = trimmedRecord === '' || UUID.test(trimmedRecord);
  const filter: AuditFilter = {
    ...(table !== '' && { tableName: table }),
    ...(table !== '' && trimmedRecord !== '' && isRecordValid && { recordId: trimmedRecord }),
    ...search.filter,
  };
  const isFiltered = table !== '' || trimmedRecord !== '' || search.isFiltered;
  const clearFilters = (): void => {
    setTable('');
    setRecordId('');
    search.clear();
  };
  useHotkeys([['/', () => searchRef.current?.focus()]]);
  const canRevert = !isReadOnly && user.role === 'admin';

  return (
    <Stack h="100%" gap="md">
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          Audit history
        </Title>
        <Group align="flex-start">
          {!canRevert && (
            <Badge variant="outline" color="dark" mt={8}>
              Read-only
            </Badge>
          )}
          <ExportAuditButton filter={filter} />
        </Group>
      </Group>
      <Group align="flex-end">
        <AuditSearchFields search={search} searchRef={searchRef}>
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
        </AuditSearchFields>
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
      <AuditTimeline
        filter={filter}
        isFiltered={isFiltered}
        onClearFilters={clearFilters}
        noMatchHint="Search for a shorter part of the text, or show every table and action."
        canRevert={canRevert}
        empty={
          <EmptyState title="No changes yet">
            Every change to users, courses, lessons, quizzes, enrollments, progress and attempts
            appears here, whoever made it and however (the app, the CLI, sync or plain SQL).
          </EmptyState>
        }
      />
    </Stack>
  );
}
