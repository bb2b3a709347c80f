import { Alert, Button, Group, List, Modal, NativeSelect, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import {
  useBulkDeletePreview,
  useBulkDeleteUsers,
  useBulkUpdateUsers,
  useUndoBulkUpdate,
} from '../hooks/use-user';
import type { UserRole, UserSummary } from '../hooks/use-users-list';
import { ErrorAlert, errorMessage } from './error-alert';
import { USER_ROLE_OPTIONS } from './user-form';

/** How long the notification with Undo stays: time to notice a slip and take it back. */
const UNDO_WINDOW_MS = 15_000;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

interface BulkUserActionsProps {
  selected: readonly UserSummary[];
  onClear: () => void;
}

/**
 * What an admin can do to the selected users at once: change their role (with Undo), deactivate
 * or reactivate them, or delete them after a confirmation that says what goes with them.
 */
export function BulkUserActions({ selected, onClear }: BulkUserActionsProps) {
  const bulkUpdate = useBulkUpdateUsers();
  const undoBulkUpdate = useUndoBulkUpdate();
  const bulkDelete = useBulkDeleteUsers();
  const [role, setRole] = useState<UserRole>('instructor');
  const [isConfirmingDelete, setIsConfirmingDelete] = useState(false);
  const ids = selected.map((user) => user.id);
  const preview = useBulkDeletePreview(ids, isConfirmingDelete);
  const count = plural(selected.length, 'user', 'users');

  /** Sets `change` on every selected user; `undoLabel` offers to put each back as it was. */
  const apply = (
    change: { role: UserRole } | { isActive: boolean },
    done: string,
    undoLabel: string,
  ): void => {
    const before = selected.map((user) => ({ ...user }));
    bulkUpdate.mutate(
      { users: before.map((user) => ({ id: user.id, version: user.version, ...change })) },
      {
        onSuccess: ({ users }) => {
          onClear();
          const id = `bulk-${Date.now()}`;
          const undo = (): void => {
            notifications.hide(id);
            const versions = new Map(users.map((user) => [user.id, user.version]));
            // The selection bar is gone by now: undo must not depend on it being on screen.
            undoBulkUpdate({
              users: before.map((user) => ({
                id: user.id,
                version: versions.get(user.id) ?? user.version,
                ...('role' in change ? { role: user.role } : { isActive: user.isActive }),
              })),
            }).then(
              () => notifications.show({ title: 'Undone', message: `${undoLabel}.` }),
              (error: unknown) =>
                notifications.show({
                  color: 'red',
                  title: "Couldn't undo",
                  message: errorMessage(error),
                }),
            );
          };
          notifications.show({
            id,
            title: done,
            autoClose: UNDO_WINDOW_MS,
            message: (
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm">{plural(users.length, 'user', 'users')} changed.</Text>
                <Button size="compact-sm" variant="light" onClick={undo}>
                  Undo
                </Button>
              </Group>
            ),
          });
        },
      },
    );
  };

  const confirmDelete = (): void => {
    bulkDelete.mutate(
      { users: selected.map((user) => ({ id: user.id, version: user.version })) },
      {
        onSuccess: (result) => {
          setIsConfirmingDelete(false);
          onClear();
          notifications.show({
            title: 'Users deleted',
            message: `${plural(result.users, 'user was', 'users were')} deleted.`,
          });
        },
      },
    );
  };

  const cascades = preview.data?.cascades;
  const blocking = preview.data?.blockingCourses ?? [];
  return (
    <Paper withBorder p="xs" radius="sm" role="region" aria-label="Selected users">
      <Group gap="sm" wrap="wrap" align="flex-end">
        <Text size="sm" fw={600} aria-live="polite" mb={6}>
          {count} selected
        </Text>
        <NativeSelect
          size="xs"
          label="New role"
          data={USER_ROLE_OPTIONS}
          value={role}
          onChange={(event) => {
            const value = USER_ROLE_OPTIONS.find(
              (option) => option.value === event.currentTarget.value,
            );
            if (value) setRole(value.value);
          }}
        />
        <Button
          size="xs"
          loading={bulkUpdate.isPending}
          onClick={() => apply({ role }, `Role changed to ${role}`, 'The roles are as they were')}
        >
          Change role
        </Button>
        <Button
          size="xs"
          variant="default"
          onClick={() =>
            apply({ isActive: false }, `${count} deactivated`, 'They are active again')
          }
        >
          Deactivate
        </Button>
        <Button
          size="xs"
          variant="default"
          onClick={() =>
            apply({ isActive: true }, `${count} activated`, 'They are deactivated again')
          }
        >
          Activate
        </Button>
        <Button size="xs" color="red" variant="light" onClick={() => setIsConfirmingDelete(true)}>
          Delete…
        </Button>
        <Button size="xs" variant="subtle" onClick={onClear}>
          Clear selection
        </Button>
      </Group>
      {bulkUpdate.isError && (
        <ErrorAlert title="Nothing was changed" error={bulkUpdate.error} mt="xs" />
      )}
      <Modal
        opened={isConfirmingDelete}
        onClose={() => setIsConfirmingDelete(false)}
        title={`Delete ${count}?`}
      >
        <Stack gap="sm">
          {preview.isPending ? (
            <Text size="sm">Counting what would be deleted with them…</Text>
          ) : preview.isError ? (
            <ErrorAlert title="Couldn't count what would be deleted" error={preview.error} />
          ) : blocking.length > 0 ? (
            <Alert color="orange" title="These users instruct courses">
              Give these courses another instructor first:
              <List size="sm" mt="xs">
                {blocking.map((course) => (
                  <List.Item key={course.id}>
                    {course.title} ({course.slug}), by {course.instructorEmail}
                  </List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            cascades && (
              <Text size="sm">
                This deletes {count} and with them{' '}
                {plural(cascades.enrollments, 'enrollment', 'enrollments')},{' '}
                {plural(
                  cascades.lessonProgress,
                  'lesson progress record',
                  'lesson progress records',
                )}{' '}
                and {plural(cascades.quizAttempts, 'quiz attempt', 'quiz attempts')}. It can't be
                undone.
              </Text>
            )
          )}
          {bulkDelete.isError && (
            <ErrorAlert title="Nothing was deleted" error={bulkDelete.error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setIsConfirmingDelete(false)}>
              Keep them
            </Button>
            <Button
              color="red"
              loading={bulkDelete.isPending}
              disabled={!cascades || blocking.length > 0}
              onClick={confirmDelete}
            >
              Delete {count}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
