/** The database's enum types, as `as const` lists: one definition serves run time and types. */
export const userRoles = ['student', 'instructor', 'admin', 'support'] as const;
export type UserRole = (typeof userRoles)[number];

export const enrollmentStatuses = ['pending', 'active', 'completed', 'dropped'] as const;
export type EnrollmentStatus = (typeof enrollmentStatuses)[number];

export const progressStatuses = ['not_started', 'in_progress', 'completed'] as const;
export type ProgressStatus = (typeof progressStatuses)[number];

export const attemptStatuses = ['in_progress', 'submitted', 'graded'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/** What a change did to a record, as audit_log records it (the trigger's TG_OP). */
export const auditActions = ['INSERT', 'UPDATE', 'DELETE'] as const;
export type AuditAction = (typeof auditActions)[number];

/** Each enum's PostgreSQL type name, for the column that uses it. */
export const enumTypeNames = {
  user_role: userRoles,
  enrollment_status: enrollmentStatuses,
  progress_status: progressStatuses,
  attempt_status: attemptStatuses,
  audit_action: auditActions,
} as const;
