import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiCallError, request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';

export type Lesson = ChannelOutput<'lessons.create'>;

const PAGE_SIZE = 500;

export const lessonsKey = (courseId: string) => ['lessons.list', courseId] as const;

/** Every lesson of a course, in course order: reordering needs them all, and a course has few. */
async function fetchAllLessons(courseId: string): Promise<Lesson[]> {
  const lessons: Lesson[] = [];
  let cursor: string | null = null;
  do {
    const page: ChannelOutput<'lessons.list'> = await request('lessons.list', {
      courseId,
      limit: PAGE_SIZE,
      ...(cursor !== null && { cursor }),
    });
    lessons.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return lessons;
}

/**
 * The course's lessons. `isReadOnOpen` reads them again whenever a component using them appears,
 * showing the cached list meanwhile: a form offering lessons as choices must offer the ones there
 * are now, not those of half a minute ago.
 */
export function useLessons(courseId: string, { isReadOnOpen = false } = {}) {
  return useQuery({
    queryKey: lessonsKey(courseId),
    queryFn: () => fetchAllLessons(courseId),
    ...(isReadOnOpen && { refetchOnMount: 'always' as const }),
  });
}

/** Lesson edits re-read the course's lessons: a new or deleted one moves the others. */
function useLessonMutation<I, O>(courseId: string, call: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSettled: () => client.invalidateQueries({ queryKey: lessonsKey(courseId) }),
  });
}

export function useCreateLesson(courseId: string) {
  return useLessonMutation(courseId, (input: ChannelInput<'lessons.create'>) =>
    request('lessons.create', input),
  );
}

export function useUpdateLesson(courseId: string) {
  return useLessonMutation(courseId, (input: ChannelInput<'lessons.update'>) =>
    request('lessons.update', input),
  );
}

export function useDeleteLesson(courseId: string) {
  return useLessonMutation(courseId, (input: ChannelInput<'lessons.delete'>) =>
    request('lessons.delete', input),
  );
}

/**
 * Puts the lessons in a new order in one call. The list shows the new order at once; if the call
 * fails it goes back, and on CONFLICT (lessons came or went meanwhile) it shows the order as it is now.
 */
export function useReorderLessons(courseId: string) {
  const client = useQueryClient();
  const key = lessonsKey(courseId);
  return useMutation({
    mutationFn: (ordered: readonly Lesson[]) =>
      request('lessons.reorder', { courseId, lessonIds: ordered.map((lesson) => lesson.id) }),
    onMutate: async (ordered) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<Lesson[]>(key);
      client.setQueryData(key, [...ordered]);
      return { previous };
    },
    onError: (error, _ordered, context) => {
      if (!(error instanceof ApiCallError && error.code === 'CONFLICT')) {
        client.setQueryData(key, context?.previous);
      }
    },
    onSuccess: (lessons) => client.setQueryData(key, lessons),
    onSettled: (_data, error) => {
      if (error) void client.invalidateQueries({ queryKey: key });
    },
  });
}
