import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { useKeysetList } from './use-keyset-list';

export type CourseSummary = ChannelOutput<'courses.list'>['items'][number];

/** Which courses to show by state: all, only published, only drafts. */
export type PublishedFilter = 'all' | 'published' | 'drafts';

export interface CoursesFilter {
  search: string;
  published: PublishedFilter;
}

const PAGE_SIZE = 100;

/** The courses matching a filter, in slug order (an instructor's own only: the API sees to it). */
export function useCoursesList({ search, published }: CoursesFilter) {
  const trimmed = search.trim();
  return useKeysetList(['courses.list', { search: trimmed, published }], (cursor) =>
    request('courses.list', {
      limit: PAGE_SIZE,
      ...(trimmed !== '' && { search: trimmed }),
      ...(published !== 'all' && { isPublished: published === 'published' }),
      ...(cursor !== null && { cursor }),
    }),
  );
}

/** Creates a course; every courses list is then read again, as the new one may belong in any. */
export function useCreateCourse() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'courses.create'>) => request('courses.create', input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['courses.list'] }),
  });
}
