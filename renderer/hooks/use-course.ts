import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiCallError, request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';

export type CourseDetail = ChannelOutput<'courses.get'>;

export const courseKey = (id: string) => ['courses.get', id] as const;

/** A changed course: its own view takes the answer as is, every list is read again. */
function courseChanged(client: QueryClient, course: CourseDetail): void {
  client.setQueryData(courseKey(course.id), course);
  void client.invalidateQueries({ queryKey: ['courses.list'] });
}

/** One course in full. */
export function useCourse(id: string) {
  return useQuery({ queryKey: courseKey(id), queryFn: () => request('courses.get', { id }) });
}

/** Saves changed fields against the version the edit started from (CONFLICT if someone saved first). */
export function useUpdateCourse() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'courses.update'>) => request('courses.update', input),
    onSuccess: (course) => courseChanged(client, course),
  });
}

/** Publishes or unpublishes, version-checked like any edit. */
export function useSetCoursePublished() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      isPublished,
      ...target
    }: {
      id: string;
      version: number;
      isPublished: boolean;
    }) => request(isPublished ? 'courses.publish' : 'courses.unpublish', target),
    onSuccess: (course) => courseChanged(client, course),
  });
}

/** A course as the publish toggle needs it. */
interface PublishTarget {
  id: string;
  version: number;
  title: string;
  isPublished: boolean;
}

/**
 * Publishes a draft or unpublishes a published course, saying in a notification how it went;
 * `onFailure` re-reads what was shown (a CONFLICT means it is out of date).
 */
export function usePublishToggle(onFailure: () => void) {
  const setPublished = useSetCoursePublished();
  const toggle = (course: PublishTarget): void =>
    setPublished.mutate(
      { id: course.id, version: course.version, isPublished: !course.isPublished },
      {
        onSuccess: (saved) =>
          notifications.show({
            title: saved.isPublished ? 'Course published' : 'Course unpublished',
            message: `“${saved.title}” is ${saved.isPublished ? 'published' : 'a draft again'}.`,
          }),
        onError: (error) => {
          notifications.show({
            color: 'red',
            title: `Couldn't change “${course.title}”`,
            message: error instanceof ApiCallError ? error.message : String(error),
          });
          onFailure();
        },
      },
    );
  return { toggle, isPending: setPublished.isPending };
}

/** What deleting the course would remove with it; asked only while the confirmation is open. */
export function useCourseDeletePreview(id: string, isEnabled: boolean) {
  return useQuery({
    queryKey: ['courses.deletePreview', id],
    queryFn: () => request('courses.deletePreview', { id }),
    enabled: isEnabled,
    // The counts must be those of now, not of the last time the dialog was open.
    staleTime: 0,
    gcTime: 0,
  });
}

/** Deletes the course and all that cascades from it (admins only). */
export function useDeleteCourse() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (target: ChannelInput<'courses.delete'>) => request('courses.delete', target),
    onSuccess: (removed) => {
      client.removeQueries({ queryKey: courseKey(removed.course.id) });
      void client.invalidateQueries({ queryKey: ['courses.list'] });
    },
  });
}

/** The course's figures for its dashboard. */
export function useCourseDashboard(courseId: string) {
  return useQuery({
    queryKey: ['courses.dashboard', courseId],
    queryFn: () => request('courses.dashboard', { courseId }),
  });
}
