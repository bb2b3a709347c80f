import { Badge, Tooltip } from '@mantine/core';
import { hrefOf } from '../hooks/use-hash-path';
import { useSyncStatus } from '../hooks/use-sync';

/**
 * The header's sync state for admins: online or offline, and how many local changes wait to be
 * pushed (and conflicts to resolve). A link to the sync page; nothing when not linked.
 */
export function SyncIndicator() {
  const status = useSyncStatus();
  if (!status.data?.isLinked) return null;
  const { isOnline, pendingChanges, openConflicts, centralMessage } = status.data;
  const state = isOnline ? 'Online' : 'Offline';
  const waiting = `${pendingChanges} to push${openConflicts > 0 ? `, ${openConflicts} conflict(s)` : ''}`;
  return (
    <Tooltip
      label={
        isOnline
          ? 'The central server answers'
          : (centralMessage ?? 'The central server does not answer')
      }
    >
      <Badge
        component="a"
        href={hrefOf('/sync')}
        variant="filled"
        // Light shades with the text colour picked for contrast (light variants fall short of 4.5:1).
        autoContrast
        color={openConflicts > 0 ? 'orange.3' : isOnline ? 'green.3' : 'gray.3'}
        aria-label={`Sync: ${state}, ${waiting}`}
      >
        {state} · {waiting}
      </Badge>
    </Tooltip>
  );
}
