import { Badge, Button, Group, Modal, NativeSelect, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure, useHotkeys } from '@mantine/hooks';
import { useMemo, useRef, useState } from 'react';
import { courseColumnsFor, courseColumnWidths } from '../components/course-columns';
import { DataGrid } from '../components/data-grid';
import { DeleteCourseDialog } from '../components/delete-course-dialog';
import { EmptyState } from '../components/empty-state';
import { ListBody } from '../components/list-body';
import { NewCourseForm } from '../components/new-course-form';
import { usePublishToggle } from '../hooks/use-course';
import {
  useCoursesList,
  type CourseSummary,
  type PublishedFilter,
} from '../hooks/use-courses-list';
import { usePageCommands } from '../hooks/use-page-commands';
import type { PageProps } from './app-pages';
import { CourseDetailView } from './course-detail-view';

const SEARCH_DEBOUNCE_MS = 250;

const STATE_OPTIONS: { value: PublishedFilter; label: string }[] = [
  { value: 'all', label: 'All courses' },
  { value: 'published', label: 'Published' },
  { value: 'drafts', label: 'Drafts' },
];

function isPublishedFilter(value: string): value is PublishedFilter {
  return STATE_OPTIONS.some((option) => option.value === value);
}

/**
 * The courses page: the list, or one course's detail view at `#/courses/<id>`, its tabs at
 * `#/courses/<id>/<tab>` and one quiz's questions at `#/courses/<id>/quizzes/<quiz id>`.
 */
export function CoursesPage(props: PageProps) {
  const [courseId = '', tab = '', quizId = ''] = props.subPath.slice(1).split('/');
  return courseId === '' ? (
    <CourseList {...props} />
  ) : (
    <CourseDetailView {...props} courseId={courseId} tab={tab} quizId={quizId} />
  );
}

/** The courses a person may see (an instructor's own), searchable, with a way to start a new one. */
function CourseList({ user, isReadOnly }: PageProps) {
  const [search, setSearch] = useState('');
  const [published, setPublished] = useState<PublishedFilter>('all');
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const [isCreating, creating] = useDisclosure(false);
  const [deleting, setDeleting] = useState<CourseSummary | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const list = useCoursesList({ search: debouncedSearch, published });
  const publishToggle = usePublishToggle(() => void list.refetch());
  const columns = useMemo(
    () =>
      courseColumnsFor(
        isReadOnly
          ? {}
          : {
              onTogglePublished: publishToggle.toggle,
              ...(user.role === 'admin' && { onDelete: setDeleting }),
            },
      ),
    // The toggle only calls stable mutate and refetch functions: only the role changes the columns.
    [isReadOnly, user.role],
  );
  useHotkeys([
    ['/', () => searchRef.current?.focus()],
    ['n', () => !isReadOnly && creating.open()],
  ]);
  usePageCommands(
    useMemo(
      () => [
        {
          id: 'courses-search',
          label: 'Search courses',
          onClick: () => searchRef.current?.focus(),
        },
        ...(isReadOnly ? [] : [{ id: 'courses-new', label: 'New course', onClick: creating.open }]),
      ],
      [isReadOnly, creating.open],
    ),
  );
  const isFiltered = search.trim() !== '' || published !== 'all';
  const clearFilters = (): void => {
    setSearch('');
    setPublished('all');
  };
  const newCourseButton = !isReadOnly && (
    <Button onClick={creating.open} aria-keyshortcuts="N">
      New course
    </Button>
  );

  return (
    <Stack h="100%" gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {user.role === 'instructor' ? 'My courses' : 'Courses'}
        </Title>
        {isReadOnly ? (
          <Badge variant="outline" color="dark">
            Read-only
          </Badge>
        ) : (
          newCourseButton
        )}
      </Group>
      <Group align="flex-end">
        <TextInput
          ref={searchRef}
          label="Search courses"
          description="By title or slug, anywhere in it; press / to come here"
          type="search"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={320}
        />
        <NativeSelect
          label="State"
          data={STATE_OPTIONS}
          value={published}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setPublished(isPublishedFilter(value) ? value : 'all');
          }}
        />
        {isFiltered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>
      <ListBody
        noun={['course', 'courses']}
        list={list}
        isFiltered={isFiltered}
        onClearFilters={clearFilters}
        noMatchHint="Check the spelling, search for a shorter part of the title, or show every state."
        empty={
          <EmptyState title="No courses yet" action={newCourseButton}>
            {isReadOnly
              ? 'Courses appear here once an admin or instructor creates them.'
              : user.role === 'instructor'
                ? 'Start one with New course, or ask an admin to give you an existing one.'
                : 'Start the first one with New course; it stays a draft until you publish it.'}
          </EmptyState>
        }
      >
        <DataGrid
          label="Courses"
          rows={list.items}
          columns={columns}
          columnWidths={courseColumnWidths}
          getRowId={(course) => course.id}
          hasMore={list.hasNextPage}
          isLoadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
        />
      </ListBody>
      <Modal opened={isCreating} onClose={creating.close} title="New course">
        <NewCourseForm onDone={creating.close} />
      </Modal>
      <DeleteCourseDialog course={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}
