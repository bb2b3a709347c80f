import { Badge, Text } from '@mantine/core';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { UserSummary } from '../hooks/use-users-list';
import classes from './users-grid.module.css';

const ROW_HEIGHT_PX = 40;
/** Fetch the next page while this many loaded rows are still below the fold, so scrolling never waits. */
const LOAD_AHEAD_ROWS = 30;

const features = tableFeatures({});
const column = createColumnHelper<typeof features, UserSummary>();
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const columns = column.columns([
  column.accessor('fullName', { header: 'Name' }),
  column.accessor('email', { header: 'Email' }),
  column.accessor('role', {
    header: 'Role',
    cell: (info) => (
      <Badge variant="light" color={info.getValue() === 'student' ? 'gray' : 'blue'}>
        {info.getValue()}
      </Badge>
    ),
  }),
  column.accessor('isActive', {
    header: 'Status',
    cell: (info) =>
      info.getValue() ? (
        'Active'
      ) : (
        <Text span inherit c="dimmed">
          Deactivated
        </Text>
      ),
  }),
  column.accessor('lastLoginAt', {
    header: 'Last sign-in',
    cell: (info) => {
      const value = info.getValue();
      return value ? (
        dateTime.format(value)
      ) : (
        <Text span inherit c="dimmed">
          Never
        </Text>
      );
    },
  }),
  column.accessor('createdAt', {
    header: 'Created',
    cell: (info) => dateOnly.format(info.getValue()),
  }),
]);

/** Column widths as shares of the grid: names and emails get the room. */
const COLUMN_WIDTHS: Record<string, string> = {
  fullName: '22%',
  email: '27%',
  role: '11%',
  isActive: '11%',
  lastLoginAt: '17%',
  createdAt: '12%',
};

interface UsersGridProps {
  users: UserSummary[];
  hasMore: boolean;
  isLoadingMore: boolean;
  onLoadMore: () => void;
}

/**
 * The users as a table whose body renders only the rows in view (a spacer row above and below
 * stands for the rest), so a list of any length scrolls smoothly; it asks for more near the end.
 */
export function UsersGrid({ users, hasMore, isLoadingMore, onLoadMore }: UsersGridProps) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const table = useTable({ features, columns, data: users, getRowId: (user) => user.id });
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollerRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 10,
  });
  const visible = virtualizer.getVirtualItems();
  const lastVisibleIndex = visible.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && !isLoadingMore && lastVisibleIndex >= rows.length - LOAD_AHEAD_ROWS) {
      onLoadMore();
    }
  }, [hasMore, isLoadingMore, lastVisibleIndex, rows.length, onLoadMore]);

  const paddingTop = visible[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (visible.at(-1)?.end ?? 0);
  const columnCount = columns.length;

  return (
    <div
      ref={scrollerRef}
      className={classes.scroller}
      // Focusable so the list scrolls with the keyboard (arrows, Page Down), like any scroll box.
      tabIndex={0}
      role="region"
      aria-label="Users list"
    >
      <table
        className={classes.table}
        aria-label="Users"
        aria-rowcount={hasMore ? -1 : rows.length + 1}
      >
        <colgroup>
          {table.getAllLeafColumns().map((leaf) => (
            <col key={leaf.id} style={{ width: COLUMN_WIDTHS[leaf.id] }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  <table.FlexRender header={header} />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr className={classes.spacer} aria-hidden="true">
              <td colSpan={columnCount} style={{ height: paddingTop }} />
            </tr>
          )}
          {visible.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <tr key={row.id} className={classes.row} aria-rowindex={item.index + 2}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr className={classes.spacer} aria-hidden="true">
              <td colSpan={columnCount} style={{ height: paddingBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
