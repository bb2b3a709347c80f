import { Button, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { request } from '../api';
import { downloadText } from '../download';
import { useLongCall } from '../hooks/use-long-call';
import type { UsersFilter } from '../hooks/use-users-list';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

/** Exports the users the filter shows (all of them, not only the rows loaded) as a CSV download. */
export function ExportUsersButton({ filter }: { filter: UsersFilter }) {
  const exportUsers = useLongCall(
    ({ search, role }: UsersFilter, hooks) =>
      request(
        'users.export',
        {
          ...(search.trim() !== '' && { search: search.trim() }),
          ...(role !== null && { role }),
        },
        hooks,
      ),
    {
      onSuccess: ({ csv, rows }) => {
        downloadText(csv, 'users.csv', 'text/csv;charset=utf-8');
        notifications.show({
          title: 'Users exported',
          message: `${rows} ${rows === 1 ? 'user' : 'users'} saved to users.csv.`,
        });
      },
    },
  );

  return (
    <Stack gap="xs" align="flex-end">
      {exportUsers.isPending ? (
        <LongCallProgress
          w={320}
          label="Export progress"
          progress={exportUsers.progress}
          onCancel={exportUsers.cancel}
        />
      ) : (
        <Button variant="default" onClick={() => exportUsers.mutate(filter)}>
          Export CSV
        </Button>
      )}
      {exportUsers.isError && (
        <ErrorAlert title="Couldn't export users" error={exportUsers.error} />
      )}
    </Stack>
  );
}
