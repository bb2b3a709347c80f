import { Text } from '@mantine/core';

interface ListStatusProps {
  /** What the list holds, singular and plural: ['user', 'users']. */
  noun: readonly [string, string];
  count: number;
  isPending: boolean;
  hasMore: boolean;
  isFetching: boolean;
}

/** How much of a list is on screen, announced politely as it changes. */
export function ListStatus({ noun, count, isPending, hasMore, isFetching }: ListStatusProps) {
  const [one, many] = noun;
  const text = isPending
    ? `Loading ${many}…`
    : `${count} ${count === 1 ? one : many} shown` +
      (hasMore ? '; more load as you scroll' : '') +
      (isFetching ? ' · updating…' : '');
  return (
    <Text size="sm" c="dimmed" aria-live="polite">
      {text}
    </Text>
  );
}
