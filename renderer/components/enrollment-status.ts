import type { EnrollmentStatus } from '../hooks/use-enrollments';

/** An enrollment status in words. */
export const ENROLLMENT_STATUS_LABELS: Record<EnrollmentStatus, string> = {
  pending: 'Pending',
  active: 'Active',
  completed: 'Completed',
  dropped: 'Dropped',
};

/** Its colour in badges and plots. */
export const ENROLLMENT_STATUS_COLORS: Record<EnrollmentStatus, string> = {
  pending: 'yellow.8',
  active: 'blue.8',
  completed: 'green.8',
  dropped: 'gray.7',
};
