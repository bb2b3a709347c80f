import { Badge, Text } from '@mantine/core';
import { formatDate } from '../format';
import type { CourseSummary } from '../hooks/use-courses-list';
import { gridColumnHelper } from './data-grid';

const column = gridColumnHelper<CourseSummary>();

/** The courses grid's columns. */
export const courseColumns = column.columns([
  column.accessor('title', { header: 'Title' }),
  column.accessor('slug', { header: 'Slug' }),
  column.accessor('isPublished', {
    header: 'State',
    cell: (info) =>
      info.getValue() ? (
        <Badge variant="light" color="green">
          Published
        </Badge>
      ) : (
        <Badge variant="light" color="gray">
          Draft
        </Badge>
      ),
  }),
  column.accessor('publishedAt', {
    header: 'Published',
    cell: (info) => {
      const value = info.getValue();
      return value ? (
        formatDate(value)
      ) : (
        <Text span inherit c="dimmed">
          Not yet
        </Text>
      );
    },
  }),
  column.accessor('updatedAt', { header: 'Changed', cell: (info) => formatDate(info.getValue()) }),
]);

export const courseColumnWidths: Readonly<Record<string, string>> = {
  title: '36%',
  slug: '26%',
  isPublished: '12%',
  publishedAt: '13%',
  updatedAt: '13%',
};
