import { Button, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { EmptyState } from './empty-state';
import { ErrorAlert } from './error-alert';
import { ListStatus } from './list-status';

/** What ListBody reads of a keyset list (`useKeysetList`'s answer has all of it). */
export interface ListBodyState {
  items: readonly unknown[];
  isPending: boolean;
  isError: boolean;
  error: unknown;
  isFetching: boolean;
  hasNextPage: boolean;
  refetch: () => unknown;
}

interface ListBodyProps {
  /** What the list holds, singular and plural: ['user', 'users']. */
  noun: readonly [string, string];
  list: ListBodyState;
  /** Whether a search or filter narrows the list: an empty answer then offers a way back. */
  isFiltered: boolean;
  onClearFilters: () => void;
  /** What to try when filters match nothing: "Check the spelling, …". */
  noMatchHint: string;
  /** What an empty, unfiltered list shows: why it is empty and what to do next. */
  empty: ReactNode;
  /** The rows, once there are some (the grid). */
  children: ReactNode;
}

/**
 * The body every list page shares: how much is shown, then the error in words, the loader, the
 * empty state (filtered or not), or the rows.
 */
export function ListBody({
  noun,
  list,
  isFiltered,
  onClearFilters,
  noMatchHint,
  empty,
  children,
}: ListBodyProps) {
  const [, many] = noun;
  return (
    <>
      <ListStatus
        noun={noun}
        count={list.items.length}
        isPending={list.isPending}
        hasMore={list.hasNextPage}
        isFetching={list.isFetching}
      />
      {list.isError ? (
        <ErrorAlert
          title={`Couldn't load ${many}`}
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <Loader size="sm" aria-label={`Loading ${many}`} />
      ) : list.items.length === 0 ? (
        isFiltered ? (
          <EmptyState
            title={`No ${many} match these filters`}
            action={
              <Button variant="light" onClick={onClearFilters}>
                Show all {many}
              </Button>
            }
          >
            {noMatchHint}
          </EmptyState>
        ) : (
          empty
        )
      ) : (
        children
      )}
    </>
  );
}
