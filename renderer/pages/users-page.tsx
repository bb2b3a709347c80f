import {
  Badge,
  Button,
  Group,
  Kbd,
  Modal,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useMemo, useRef, useState } from 'react';
import { BulkUserActions } from '../components/bulk-user-actions';
import { DataGrid } from '../components/data-grid';
import { EmptyState } from '../components/empty-state';
import { ExportUsersButton } from '../components/export-users-button';
import { ImportUsersDialog } from '../components/import-users-dialog';
import { ListBody } from '../components/list-body';
import { SelectAllMatching } from '../components/select-all-matching';
import { userColumns, userColumnWidths, userPath } from '../components/user-columns';
import { UserForm } from '../components/user-form';
import { navigate } from '../hooks/use-hash-path';
import { usePageCommands } from '../hooks/use-page-commands';
import { useRowSelection } from '../hooks/use-row-selection';
import { useUsersList, type UserRole, type UserSummary } from '../hooks/use-users-list';
import { MAX_USERS_PER_BULK_CALL } from '../../db/schemas/users';
import type { PageProps } from './app-pages';
import { UserDetailView } from './user-detail-view';

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

/** The dialogs the list page opens from its own addresses, so a command or a link can open them. */
const DIALOG_PATHS = { new: '/users/new', import: '/users/import' } as const;
type ListDialog = keyof typeof DIALOG_PATHS;

const userId = (user: UserSummary): string => user.id;

/**
 * The users page: the list at `#/users` (with its New user and Import dialogs at `#/users/new`
 * and `#/users/import`), or one user's page at `#/users/<id>` (its history at `#/users/<id>/history`).
 */
export function UsersPage(props: PageProps) {
  const [segment = '', tab = ''] = props.subPath.slice(1).split('/');
  if (segment === 'new' || segment === 'import' || segment === '') {
    return <UsersList {...props} dialog={segment === '' ? null : segment} />;
  }
  return (
    <UserDetailView
      userId={segment}
      tab={tab}
      isReadOnly={props.isReadOnly}
      role={props.user.role}
    />
  );
}

/** Everyone in the database, searchable as you type, filtered by role, selectable for bulk changes. */
function UsersList({ isReadOnly, dialog }: PageProps & { dialog: ListDialog | null }) {
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<UserRole | null>(null);
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const searchRef = useRef<HTMLInputElement>(null);
  const filter = { search: debouncedSearch, role };
  const list = useUsersList(filter);
  const { selection, selectedRows } = useRowSelection(list.items, userId);
  const isFiltered = search.trim() !== '' || role !== null;
  const clearFilters = (): void => {
    setSearch('');
    setRole(null);
  };
  // A new filter shows other people: a selection made under the old one must not act on them.
  const clearSelection = selection.clear;
  // Only the filter matters here: `clearSelection` is a new function every render.
  useEffect(() => clearSelection(), [debouncedSearch, role]);

  const selectAllMatching = async (
    onLoaded: (count: number) => void,
    isCancelled: () => boolean,
  ): Promise<void> => {
    let loaded = list.items;
    let hasMore = list.hasNextPage;
    while (hasMore && loaded.length < MAX_USERS_PER_BULK_CALL) {
      if (isCancelled()) return;
      const next = await list.fetchNextPage({ throwOnError: true });
      loaded = next.data?.pages.flatMap((page) => page.items) ?? loaded;
      hasMore = next.hasNextPage;
      onLoaded(loaded.length);
    }
    if (!isCancelled()) selection.selectIds(loaded.slice(0, MAX_USERS_PER_BULK_CALL).map(userId));
  };

  const openDialog = (which: ListDialog): void => {
    if (!isReadOnly) navigate(DIALOG_PATHS[which]);
  };
  const closeDialog = (): void => navigate('/users');

  useHotkeys([
    ['/', () => searchRef.current?.focus()],
    ['n', () => openDialog('new')],
    ['i', () => openDialog('import')],
  ]);
  usePageCommands(
    useMemo(
      () => [
        { id: 'users-search', label: 'Search users', onClick: () => searchRef.current?.focus() },
        ...(isReadOnly
          ? []
          : [
              { id: 'users-new', label: 'New user', onClick: () => navigate(DIALOG_PATHS.new) },
              {
                id: 'users-import',
                label: 'Import users from CSV',
                onClick: () => navigate(DIALOG_PATHS.import),
              },
            ]),
      ],
      [isReadOnly],
    ),
  );

  return (
    <Stack h="100%" gap="md">
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          Users
        </Title>
        <Group align="flex-start">
          {isReadOnly ? (
            <Badge variant="outline" color="dark" mt={8}>
              Read-only
            </Badge>
          ) : (
            <>
              <Button onClick={() => openDialog('new')} aria-keyshortcuts="N">
                New user
              </Button>
              <Button variant="default" onClick={() => openDialog('import')} aria-keyshortcuts="I">
                Import CSV
              </Button>
            </>
          )}
          <ExportUsersButton filter={filter} />
        </Group>
      </Group>
      <Group align="flex-end">
        <TextInput
          ref={searchRef}
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
      <Text size="xs" c="dimmed">
        Keys: <Kbd size="xs">/</Kbd> search
        {!isReadOnly && (
          <>
            {' '}
            · <Kbd size="xs">N</Kbd> new user · <Kbd size="xs">I</Kbd> import · in the list,{' '}
            <Kbd size="xs">Ctrl</Kbd>+<Kbd size="xs">A</Kbd> selects all and{' '}
            <Kbd size="xs">Esc</Kbd> clears the selection
          </>
        )}{' '}
        · <Kbd size="xs">Enter</Kbd> on a name opens the user
      </Text>
      {!isReadOnly && selection.count > 0 && (
        <>
          <SelectAllMatching
            noun={['user', 'users']}
            selectedCount={selection.count}
            isAllLoadedSelected={selection.isAllSelected}
            hasMore={list.hasNextPage}
            limit={MAX_USERS_PER_BULK_CALL}
            selectAllMatching={selectAllMatching}
          />
          <BulkUserActions selected={selectedRows} onClear={selection.clear} />
        </>
      )}
      <ListBody
        noun={['user', 'users']}
        list={list}
        isFiltered={isFiltered}
        onClearFilters={clearFilters}
        noMatchHint="Check the spelling, search for a shorter part of the name, or show every role."
        empty={
          <EmptyState
            title="No users yet"
            action={
              !isReadOnly && (
                <Button variant="light" onClick={() => openDialog('import')}>
                  Import users from CSV
                </Button>
              )
            }
          >
            {isReadOnly
              ? 'Users appear here once an admin adds or imports them.'
              : 'Add people one at a time with New user, or many at once from a CSV file with the columns email, full_name and role.'}
          </EmptyState>
        }
      >
        <DataGrid
          label="Users"
          rows={list.items}
          columns={userColumns}
          columnWidths={userColumnWidths}
          getRowId={userId}
          rowLabel={(user) => user.email}
          hasMore={list.hasNextPage}
          isLoadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
          {...(!isReadOnly && { selection })}
        />
      </ListBody>
      {!isReadOnly && (
        <>
          <Modal opened={dialog === 'new'} onClose={closeDialog} title="New user">
            <UserForm
              onCancel={closeDialog}
              onSaved={(user) => {
                notifications.show({
                  title: 'User created',
                  message: `${user.fullName} (${user.email}) is added.`,
                });
                navigate(userPath(user), { replace: true });
              }}
            />
          </Modal>
          <ImportUsersDialog opened={dialog === 'import'} onClose={closeDialog} />
        </>
      )}
    </Stack>
  );
}
