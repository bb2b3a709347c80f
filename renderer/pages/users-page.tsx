import {
  Badge,
  Button,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Code,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { ErrorAlert } from '../components/error-alert';
import { ExportUsersButton } from '../components/export-users-button';
import { EmptyState } from '../components/empty-state';
import { DataGrid } from '../components/data-grid';
import { ListStatus } from '../components/list-status';
import { userColumns, userColumnWidths } from '../components/user-columns';
import { useUsersList, type UserRole } from '../hooks/use-users-list';
import type { PageProps } from './app-pages';

/** Waits this long after the last keystroke before searching, so typing a name is one query, not six. */
const SEARCH_DEBOUNCE_MS = 250;

const ROLE_OPTIONS: { value: UserRole | ''; label: string }[] = [
  { value: '', label: 'All roles' },
  { value: 'student', label: 'Students' },
  { value: 'instructor', label: 'Instructors' },
  { value: 'admin', label: 'Admins' },
  { value: 'support', label: 'Support' },
];

function isUserRole(value: string): value is UserRole {
  return ROLE_OPTIONS.some((option) => option.value !== '' && option.value === value);
}

/** Everyone in the database, searchable as you type and filtered by role. */
export function UsersPage({ isReadOnly }: PageProps) {
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<UserRole | null>(null);
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const filter = { search: debouncedSearch, role };
  const list = useUsersList(filter);
  const isFiltered = search.trim() !== '' || role !== null;
  const clearFilters = (): void => {
    setSearch('');
    setRole(null);
  };

  return (
    <Stack h="100%" gap="md">
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          Users
        </Title>
        <Group align="flex-start">
          {isReadOnly && (
            <Badge variant="outline" color="dark" mt={8}>
              Read-only
            </Badge>
          )}
          <ExportUsersButton filter={filter} />
        </Group>
      </Group>
      <Group align="flex-end">
        <TextInput
          label="Search users"
          description="By name or email, anywhere in it"
          type="search"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={320}
        />
        <NativeSelect
          label="Role"
          data={ROLE_OPTIONS}
          value={role ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setRole(isUserRole(value) ? value : null);
          }}
        />
        {isFiltered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>
      <ListStatus
        noun={['user', 'users']}
        count={list.items.length}
        isPending={list.isPending}
        hasMore={list.hasNextPage}
        isFetching={list.isFetching}
      />
      {list.isError ? (
        <ErrorAlert
          title="Couldn't load users"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <Loader size="sm" aria-label="Loading users" />
      ) : list.items.length === 0 ? (
        isFiltered ? (
          <EmptyState
            title="No users match these filters"
            action={
              <Button variant="light" onClick={clearFilters}>
                Show all users
              </Button>
            }
          >
            Check the spelling, search for a shorter part of the name, or show every role.
          </EmptyState>
        ) : (
          <EmptyState title="No users yet">
            Add students and staff from a CSV file (columns email, full_name, role) with{' '}
            <Code>lms-admin users import FILE</Code>; they appear here once it finishes.
          </EmptyState>
        )
      ) : (
        <DataGrid
          label="Users"
          rows={list.items}
          columns={userColumns}
          columnWidths={userColumnWidths}
          getRowId={(user) => user.id}
          hasMore={list.hasNextPage}
          isLoadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
        />
      )}
    </Stack>
  );
}
