import type { ErrorCode } from '../schemas/errors';
import { UserFacingError } from '../user-facing-error';

/** Details a service can attach: which fields were wrong, or the current row a stale edit met. */
export interface ServiceErrorDetails {
  /** Field path → what is wrong with it. */
  fields?: Record<string, string>;
  /** On CONFLICT: the row as it is now, so nothing the person typed is lost. */
  current?: unknown;
  /** On a slow-down: how long to wait before trying again. */
  retryAfterMs?: number;
}

/** An expected failure of a service call; its message is written for the person who made it. */
export class ServiceError extends UserFacingError {
  readonly code: Exclude<ErrorCode, 'INTERNAL'>;
  readonly details: ServiceErrorDetails;

  constructor(
    code: Exclude<ErrorCode, 'INTERNAL'>,
    message: string,
    details: ServiceErrorDetails = {},
  ) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** The standard answer to an update that carried an old `version`. */
export function staleVersionError(what: string, current: unknown): ServiceError {
  return new ServiceError(
    'CONFLICT',
    `This ${what} was changed by someone else since you opened it. Review their version; nothing was overwritten.`,
    { current },
  );
}
