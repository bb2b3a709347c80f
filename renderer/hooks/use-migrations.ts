import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelOutput } from '../../electron/api/contract';
import { request } from '../api';
import { useLongCall } from './use-long-call';

export type MigrationStatus = ChannelOutput<'migrations.status'>;

const statusKey = ['migrations.status'] as const;

/** Where the database stands against the migration files the app ships with. */
export function useMigrationStatus() {
  return useQuery({ queryKey: statusKey, queryFn: () => request('migrations.status', {}) });
}

/**
 * Applies every pending migration, reporting progress as it goes; `cancel` stops it between two
 * migrations (each runs in a transaction of its own, so one is never left half done).
 */
export function useApplyMigrations() {
  const client = useQueryClient();
  return useLongCall((_input: undefined, hooks) => request('migrations.apply', {}, hooks), {
    onSuccess: ({ names, status }) => {
      client.setQueryData(statusKey, status);
      // Here, not at the button: with nothing left pending, the button is gone by now.
      notifications.show({
        title: 'Migrations applied',
        message: `Applied ${names.join(', ') || 'nothing'}; the database is up to date.`,
      });
    },
    // A cancelled or failed run may still have applied some: read the status afresh.
    onError: () => client.invalidateQueries({ queryKey: statusKey }),
  });
}
