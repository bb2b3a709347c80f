import { Alert, Button, Group, Loader, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { counted } from '../format';
import { errorMessage } from './error-alert';

interface SelectAllMatchingProps {
  /** What the rows are, singular and plural. */
  noun: [string, string];
  selectedCount: number;
  /** Whether every loaded row is selected. */
  isAllLoadedSelected: boolean;
  /** Whether more rows match than are loaded. */
  hasMore: boolean;
  /** The most rows one bulk action takes. */
  limit: number;
  /**
   * Loads the rows still to come (reporting how many are loaded) until all are, `limit` is
   * reached or `isCancelled()` says to stop, then selects them, `limit` at most.
   */
  selectAllMatching: (
    onLoaded: (count: number) => void,
    isCancelled: () => boolean,
  ) => Promise<void>;
}

/**
 * The offer to widen "every loaded row" to "every row matching the filter", as mail clients do:
 * a list read a page at a time selects only what it has loaded, and a bulk action over a filter
 * should not depend on how far the person scrolled.
 */
export function SelectAllMatching({
  noun: [one, many],
  selectedCount,
  isAllLoadedSelected,
  hasMore,
  limit,
  selectAllMatching,
}: SelectAllMatchingProps) {
  const [loaded, setLoaded] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const isCancelled = useRef(false);
  // Gone from the page (a new filter cleared the selection): stop loading for the old filter.
  useEffect(() => () => void (isCancelled.current = true), []);

  if (loaded !== null) {
    return (
      <Alert color="blue" role="status" aria-label={`Selecting all matching ${many}`}>
        <Group justify="space-between">
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm">
              Loading matching {many}: {counted(loaded, one, many)} so far…
            </Text>
          </Group>
          <Button size="compact-sm" variant="default" onClick={() => (isCancelled.current = true)}>
            Cancel
          </Button>
        </Group>
      </Alert>
    );
  }
  if (selectedCount >= limit && hasMore) {
    return (
      <Alert color="yellow" role="status">
        The first {limit.toLocaleString('en-US')} {many} are selected: a bulk action takes at most{' '}
        {limit.toLocaleString('en-US')} at a time. Narrow the filter to reach the rest.
      </Alert>
    );
  }
  if (!isAllLoadedSelected || !hasMore) return null;
  const start = (): void => {
    isCancelled.current = false;
    setError(null);
    setLoaded(selectedCount);
    selectAllMatching(setLoaded, () => isCancelled.current)
      .catch((cause: unknown) =>
        setError(
          `Couldn't load every matching ${one}: ${errorMessage(cause)} Nothing more was selected.`,
        ),
      )
      .finally(() => setLoaded(null));
  };
  return (
    <Alert color="blue" role="status">
      <Group justify="space-between">
        <Text size="sm">
          All {counted(selectedCount, one, many)} loaded so far are selected; more match the filter.
        </Text>
        <Button size="compact-sm" variant="light" onClick={start}>
          Select all matching {many}
        </Button>
      </Group>
      {error !== null && (
        <Text size="sm" c="red" mt="xs">
          {error}
        </Text>
      )}
    </Alert>
  );
}
