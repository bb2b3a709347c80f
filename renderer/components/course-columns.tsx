import { Anchor, Badge, Button, Menu, Text } from '@mantine/core';
import { formatDate } from '../format';
import { hrefOf } from '../hooks/use-hash-path';
import type { CourseSummary } from '../hooks/use-courses-list';
import { gridColumnHelper } from './data-grid';

const column = gridColumnHelper<CourseSummary>();

/** The address of a course's detail view. */
export function coursePath(course: { id: string }): string {
  return `/courses/${course.id}`;
}

/** What a row's actions may do, for the signed-in role. */
export interface CourseRowActions {
  /** Absent for support staff: they see no edit controls. */
  onTogglePublished?: (course: CourseSummary) => void;
  /** Absent for anyone but admins. */
  onDelete?: (course: CourseSummary) => void;
}

/** Whether a course or quiz is published, as a badge. */
export function PublishedBadge({ isPublished }: { isPublished: boolean }) {
  return isPublished ? (
    <Badge variant="dot" color="green">
      Published
    </Badge>
  ) : (
    <Badge variant="dot" color="gray">
      Draft
    </Badge>
  );
}

const stateColumns = [
  column.accessor('slug', { header: 'Slug' }),
  column.accessor('isPublished', {
    header: 'State',
    cell: (info) => <PublishedBadge isPublished={info.getValue()} />,
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
];

/** The courses grid's columns: the title opens the course; editors get a menu of actions. */
export function courseColumnsFor({ onTogglePublished, onDelete }: CourseRowActions) {
  const title = column.accessor('title', {
    header: 'Title',
    cell: (info) => <Anchor href={hrefOf(coursePath(info.row.original))}>{info.getValue()}</Anchor>,
  });
  if (!onTogglePublished) return column.columns([title, ...stateColumns]);
  const actions = column.display({
    id: 'actions',
    header: 'Actions',
    cell: (info) => {
      const course = info.row.original;
      return (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="compact-sm" variant="default" aria-label={`Actions for ${course.title}`}>
              Actions
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item component="a" href={hrefOf(coursePath(course))}>
              Edit
            </Menu.Item>
            <Menu.Item onClick={() => onTogglePublished(course)}>
              {course.isPublished ? 'Unpublish' : 'Publish'}
            </Menu.Item>
            {onDelete && (
              <Menu.Item color="red" onClick={() => onDelete(course)}>
                Delete…
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      );
    },
  });
  return column.columns([title, ...stateColumns, actions]);
}

export const courseColumnWidths: Readonly<Record<string, string>> = {
  title: '32%',
  slug: '22%',
  isPublished: '11%',
  publishedAt: '12%',
  updatedAt: '12%',
  actions: '11%',
};
