import { Text } from '@mantine/core';
import { formatDate, formatDateTime } from '../format';
import { hrefOf } from '../hooks/use-hash-path';
import type { UserSummary } from '../hooks/use-users-list';
import { gridColumnHelper } from './data-grid';
import classes from './data-grid.module.css';

const column = gridColumnHelper<UserSummary>();

/** The address of a user's detail view. */
export function userPath(user: { id: string }): string {
  return `/users/${user.id}`;
}

/** The users grid's columns; a name opens the user's page (Enter on it, as on any link). */
export const userColumns = column.columns([
  column.accessor('fullName', {
    header: 'Name',
    // Plain elements in cells: a fast scroll mounts every cell of dozens of rows a frame.
    cell: (info) => (
      <a className={classes.link} href={hrefOf(userPath(info.row.original))}>
        {info.getValue()}
      </a>
    ),
  }),
  column.accessor('email', { header: 'Email' }),
  column.accessor('role', {
    header: 'Role',
    cell: (info) => (
      <span className={classes.tag} data-staff={info.getValue() !== 'student' || undefined}>
        {info.getValue()}
      </span>
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
        formatDateTime(value)
      ) : (
        <Text span inherit c="dimmed">
          Never
        </Text>
      );
    },
  }),
  column.accessor('createdAt', {
    header: 'Created',
    cell: (info) => formatDate(info.getValue()),
  }),
]);

export const userColumnWidths: Readonly<Record<string, string>> = {
  fullName: '20%',
  email: '26%',
  role: '14%',
  isActive: '11%',
  lastLoginAt: '17%',
  createdAt: '12%',
};
