import type { z } from 'zod';
import { staffRoles, type StaffRole } from '../../db/schemas/auth';
import type { ErrorCode } from '../../db/schemas/errors';

/** How the router finds the course an instructor must own, from one input field. */
export type OwnedCourseRef = {
  field: string;
  /** What the field names: the course itself, or a row that belongs to one. */
  via: 'course' | 'courseSlug' | 'lesson' | 'quiz' | 'enrollment' | 'attempt';
};

/** One entry of the API contract: what goes in, what comes out, and who may call it. */
export interface ChannelSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** The roles that may call it; `anonymous` needs no session at all. */
  roles: readonly StaffRole[] | 'anonymous';
  /** Instructors may call it only for a course they own, named by this input field. */
  ownedCourse?: OwnedCourseRef;
  /**
   * Instructors may call it only for quizzes of courses they own, and its input names many (a
   * bulk selection): the service checks every one in the query that reads them.
   */
  ownsEveryQuiz?: boolean;
  /** Whether a successful call starts the caller's session (sign-in, setup) or ends it (sign-out). */
  session?: 'start' | 'end';
  /** Long work: it reports progress events and can be cancelled. */
  isLong?: boolean;
}

/** Declares a channel; the identity function keeps each entry's schema types precise. */
export function channel<I extends z.ZodType, O extends z.ZodType>(
  spec: ChannelSpec<I, O>,
): ChannelSpec<I, O> {
  return spec;
}

/**
 * Support may call only reads (SCHEMA.md), so a channel open to support is a read. Reads run
 * without a transaction: each statement is atomic on its own, READ COMMITTED would give every
 * statement a fresh snapshot inside one anyway, and BEGIN/set_config/COMMIT would triple the
 * round trips of a list page. The authorization matrix test checks that reads change nothing.
 */
export function isReadChannel(spec: Pick<ChannelSpec, 'roles'>): boolean {
  return spec.roles !== 'anonymous' && spec.roles.includes('support');
}

/** Role sets the contract uses most. Support reads everything and changes nothing. */
export const anyStaff = staffRoles;
export const adminOnly = ['admin'] as const satisfies readonly StaffRole[];
export const adminOrSupport = ['admin', 'support'] as const satisfies readonly StaffRole[];
export const courseEditors = ['admin', 'instructor'] as const satisfies readonly StaffRole[];

/** A failed call, in words for the person, with the fields to point at and, on CONFLICT, the current row. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  fields?: Record<string, string>;
  current?: unknown;
  retryAfterMs?: number;
  /** On INTERNAL: the id the log has the details under. */
  errorId?: string;
}

/** Every call's answer. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody };

/** A progress event of a long call. */
export interface ApiProgress {
  callId: string;
  done: number;
  total?: number;
  message?: string;
}
