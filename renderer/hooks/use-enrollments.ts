import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { useKeysetList } from './use-keyset-list';

export type Enrollment = ChannelOutput<'enrollments.list'>['items'][number];
export type EnrollmentStatus = Enrollment['status'];
export type UserSummary = ChannelOutput<'users.list'>['items'][number];

const PAGE_SIZE = 100;
const USER_MATCHES = 20;

export interface EnrollmentsFilter {
  search: string;
  status: EnrollmentStatus | 'all';
}

/** A course's enrollments matching a filter, a keyset page at a time. */
export function useEnrollmentsList(courseId: string, { search, status }: EnrollmentsFilter) {
  const trimmed = search.trim();
  return useKeysetList(['enrollments.list', courseId, { search: trimmed, status }], (cursor) =>
    request('enrollments.list', {
      courseId,
      limit: PAGE_SIZE,
      ...(trimmed !== '' && { search: trimmed }),
      ...(status !== 'all' && { status }),
      ...(cursor !== null && { cursor }),
    }),
  );
}

/** Active users whose name or email holds `search`, to pick learners from; nothing until something is typed. */
export function useUserMatches(search: string) {
  const trimmed = search.trim();
  return useQuery({
    queryKey: ['users.list', 'enrol-picker', trimmed],
    queryFn: () => request('users.list', { search: trimmed, isActive: true, limit: USER_MATCHES }),
    enabled: trimmed !== '',
    placeholderData: (previous) => previous,
  });
}

/** Enrolments and unenrolments change the course's list and its dashboard. */
function useEnrollmentChange<I, O>(courseId: string, call: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['enrollments.list', courseId] });
      void client.invalidateQueries({ queryKey: ['courses.dashboard', courseId] });
    },
  });
}

export function useEnrollMany(courseId: string) {
  return useEnrollmentChange(courseId, (input: ChannelInput<'enrollments.enrollMany'>) =>
    request('enrollments.enrollMany', input),
  );
}

/** What unenrolling would remove; read fresh each time the confirmation opens. */
export function useUnenrollPreview(courseId: string, enrollmentIds: readonly string[]) {
  return useQuery({
    queryKey: ['enrollments.unenrollPreview', courseId, enrollmentIds],
    queryFn: () =>
      request('enrollments.unenrollPreview', { courseId, enrollmentIds: [...enrollmentIds] }),
    enabled: enrollmentIds.length > 0,
    staleTime: 0,
    gcTime: 0,
  });
}

export function useUnenrollMany(courseId: string) {
  return useEnrollmentChange(courseId, (input: ChannelInput<'enrollments.unenrollMany'>) =>
    request('enrollments.unenrollMany', input),
  );
}
