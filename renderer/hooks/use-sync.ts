import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { request } from '../api';
import { useKeysetList } from './use-keyset-list';
import { useLongCall } from './use-long-call';

export type SyncStatus = ChannelOutput<'sync.status'>;
export type SyncConflict = ChannelOutput<'sync.conflicts'>['items'][number];
/** What a push or a pull reports (both count what went through and the conflicts met). */
type SyncRunResult = Pick<ChannelOutput<'sync.push'>, 'applied' | 'conflicts'>;

const statusKey = ['sync.status'] as const;
const conflictsKey = ['sync.conflicts'] as const;

/** How often the header asks whether the central server answers, and what waits to be pushed. */
const STATUS_REFRESH_MS = 30_000;

/** Where this working copy stands; `isEnabled` false for callers who may not ask (non-admins). */
export function useSyncStatus(isEnabled = true) {
  return useQuery({
    queryKey: statusKey,
    queryFn: () => request('sync.status', { checkOnline: true }),
    enabled: isEnabled,
    refetchInterval: STATUS_REFRESH_MS,
  });
}

/** How many conflicts a page brings: each is a card with its fields, so a screenful or two. */
const CONFLICT_PAGE_SIZE = 25;

/** The open conflicts, newest first, a page at a time (`fetchNextPage` for more). */
export function useSyncConflicts() {
  return useKeysetList(conflictsKey, (cursor) =>
    request('sync.conflicts', {
      includeResolved: false,
      limit: CONFLICT_PAGE_SIZE,
      ...(cursor !== null && { cursor }),
    }),
  );
}

function useRefreshSync() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: statusKey });
    void client.invalidateQueries({ queryKey: conflictsKey });
    // Pulled changes may touch any list the app shows.
    void client.invalidateQueries();
  };
}

export type SyncLinkResult = ChannelOutput<'sync.link'>;

/** Conflicts a link opened (or would open), all kinds together. */
export function linkConflictCount(result: SyncLinkResult): number {
  const { collisions, changedOnBoth, deletedOnOneSide, waiting } = result.conflicts;
  return collisions + changedOnBoth + deletedOnOneSide + waiting;
}

/** Central rows a link copied (or would copy). */
export function linkCopiedCount(result: SyncLinkResult): number {
  return Object.values(result.rowsCopied).reduce((sum, count) => sum + count, 0);
}

/** Links this database to a central server (bringing its data in), with progress and cancel. */
export function useSyncLink() {
  const refresh = useRefreshSync();
  return useLongCall(
    (input: ChannelInput<'sync.link'>, hooks) => request('sync.link', input, hooks),
    {
      onSuccess: (result) => {
        refresh();
        const conflicts = linkConflictCount(result);
        notifications.show({
          title: 'Linked',
          message: `Copied ${linkCopiedCount(result)} rows from ${result.centralUrl}.${result.isMerge ? ` ${result.localToPush} local record(s) go with the next push; ${conflicts === 0 ? 'no conflicts' : `${conflicts} conflict(s) to resolve first`}.` : ''}`,
        });
      },
      onError: refresh,
    },
  );
}

/** What linking would do, changing nothing: exact counts, with progress and cancel. */
export function useSyncLinkPreview() {
  return useLongCall((input: ChannelInput<'sync.linkPreview'>, hooks) =>
    request('sync.linkPreview', input, hooks),
  );
}

/** Pushes local changes, or pulls central ones, with progress and cancel. */
export function useSyncRun(direction: 'push' | 'pull') {
  const refresh = useRefreshSync();
  return useLongCall(
    (input: ChannelInput<'sync.push'>, hooks): Promise<SyncRunResult> =>
      direction === 'push'
        ? request('sync.push', input, hooks)
        : request('sync.pull', input, hooks),
    {
      onSuccess: (result) => {
        refresh();
        notifications.show({
          title: direction === 'push' ? 'Pushed' : 'Pulled',
          message: `${result.applied} record(s) ${direction === 'push' ? 'sent' : 'brought in'}; ${result.conflicts === 0 ? 'no conflicts' : `${result.conflicts} conflict(s) to resolve`}.`,
        });
      },
      // A cancelled or failed run keeps what got through: read the state afresh.
      onError: refresh,
    },
  );
}

/** Remembers the central password (encrypted on this computer), after the server accepts it. */
export function useRememberPassword() {
  const refresh = useRefreshSync();
  return useMutation({
    mutationFn: (input: ChannelInput<'sync.rememberPassword'>) =>
      request('sync.rememberPassword', input),
    onSuccess: () => {
      refresh();
      notifications.show({
        title: 'Password remembered',
        message: 'It is kept encrypted on this computer; push, pull and the status use it.',
      });
    },
  });
}

/** Ends the link; the records stay (refused while anything waits to be pushed or resolved). */
export function useSyncUnlink() {
  const refresh = useRefreshSync();
  return useMutation({
    mutationFn: () => request('sync.unlink', {}),
    onSuccess: (result) => {
      refresh();
      notifications.show({
        title: 'Unlinked',
        message: `This database no longer syncs with ${result.centralName}; every record stays here.`,
      });
    },
  });
}

/** Forgets the remembered central password (and the one typed this session). */
export function useForgetPassword() {
  const refresh = useRefreshSync();
  return useMutation({
    mutationFn: () => request('sync.forgetPassword', {}),
    onSuccess: (result) => {
      refresh();
      notifications.show({
        title: 'Password forgotten',
        message: result.wasRemembered
          ? 'Enter the central password when you next push or pull.'
          : 'No password was remembered.',
      });
    },
  });
}

export function useResolveConflict() {
  const refresh = useRefreshSync();
  return useMutation({
    mutationFn: (input: ChannelInput<'sync.resolve'>) => request('sync.resolve', input),
    onSuccess: (result) => {
      refresh();
      notifications.show({
        title: 'Conflict resolved',
        message: result.isPushNeeded
          ? 'Your choice goes to the central server with the next push.'
          : 'This copy now has the central version.',
      });
    },
  });
}
