import type { EnrollmentStatus } from '../hooks/use-enrollments';

/** An enrollment status in words. */
export const ENROLLMENT_STATUS_LABELS: Record<EnrollmentStatus, string> = {
  pending: 'Pending',
  active: 'Active',
  completed: 'Completed',
  dropped: 'Dropped',
};

/** Its colour, as the dot beside its name in badges (the text stays dark: 4.5:1 contrast). */
export const ENROLLMENT_STATUS_COLORS: Record<EnrollmentStatus, string> = {
  pending: 'yellow',
  active: 'blue',
  completed: 'green',
  dropped: 'gray',
};
