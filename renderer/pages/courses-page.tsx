import { Badge, Button, Group, Modal, NativeSelect, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { courseColumns, courseColumnWidths } from '../components/course-columns';
import { DataGrid } from '../components/data-grid';
import { EmptyState } from '../components/empty-state';
import { ListBody } from '../components/list-body';
import { NewCourseForm } from '../components/new-course-form';
import { useCoursesList, type PublishedFilter } from '../hooks/use-courses-list';
import type { PageProps } from './app-pages';

const SEARCH_DEBOUNCE_MS = 250;

const STATE_OPTIONS: { value: PublishedFilter; label: string }[] = [
  { value: 'all', label: 'All courses' },
  { value: 'published', label: 'Published' },
  { value: 'drafts', label: 'Drafts' },
];

function isPublishedFilter(value: string): value is PublishedFilter {
  return STATE_OPTIONS.some((option) => option.value === value);
}

/** The courses a person may see (an instructor's own), searchable, with a way to start a new one. */
export function CoursesPage({ user, isReadOnly }: PageProps) {
  const [search, setSearch] = useState('');
  const [published, setPublished] = useState<PublishedFilter>('all');
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const [isCreating, creating] = useDisclosure(false);
  const list = useCoursesList({ search: debouncedSearch, published });
  const isFiltered = search.trim() !== '' || published !== 'all';
  const clearFilters = (): void => {
    setSearch('');
    setPublished('all');
  };
  const newCourseButton = !isReadOnly && <Button onClick={creating.open}>New course</Button>;

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
          label="Search courses"
          description="By title or slug, anywhere in it"
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
          columns={courseColumns}
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
    </Stack>
  );
}
