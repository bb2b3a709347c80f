import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelOutput } from '../../electron/api/contract';
import { request } from '../api';
import { useLongCall } from './use-long-call';

export type MigrationStatus = ChannelOutput<'migrations.status'>;
export type MigrationPreview = ChannelOutput<'migrations.preview'>['migrations'][number];

const statusKey = ['migrations.status'] as const;
const previewKey = ['migrations.preview'] as const;
const driftKey = ['migrations.drift'] as const;

/** Where the database stands against the migration files the app ships with. */
export function useMigrationStatus() {
  return useQuery({ queryKey: statusKey, queryFn: () => request('migrations.status', {}) });
}

/** The SQL each pending migration would run, and the steps that drop data or lock a table. */
export function useMigrationPreview(isEnabled: boolean) {
  return useQuery({
    queryKey: previewKey,
    queryFn: () => request('migrations.preview', {}),
    enabled: isEnabled,
  });
}

/** How the app's models compare with the database (what `lms-admin migrate check` reports). */
export function useModelDrift() {
  return useQuery({ queryKey: driftKey, queryFn: () => request('migrations.drift', {}) });
}

/**
 * Applies every pending migration, reporting progress as it goes; `cancel` stops it between two
 * migrations (each runs in a transaction of its own, so one is never left half done).
 * `allowDestructive` is the person's yes to the steps the preview warned about.
 */
export function useApplyMigrations() {
  const client = useQueryClient();
  const refreshAfterRun = () => {
    void client.invalidateQueries({ queryKey: previewKey });
    void client.invalidateQueries({ queryKey: driftKey });
  };
  return useLongCall(
    (input: { allowDestructive: boolean }, hooks) => request('migrations.apply', input, hooks),
    {
      onSuccess: ({ names, status }) => {
        client.setQueryData(statusKey, status);
        refreshAfterRun();
        // Here, not at the button: with nothing left pending, the button is gone by now.
        notifications.show({
          title: 'Migrations applied',
          message: `Applied ${names.join(', ') || 'nothing'}; the database is up to date.`,
        });
      },
      // A cancelled or failed run may still have applied some: read the status afresh.
      onError: () => {
        void client.invalidateQueries({ queryKey: statusKey });
        refreshAfterRun();
      },
    },
  );
}
