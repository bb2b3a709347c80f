/** What went wrong with a call, in the terms every door (IPC, HTTP, CLI) reports it. */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  /** Long work stopped at the caller's request; nothing of it was kept. */
  'CANCELLED',
  /** A bug: logged with an id; no stack or SQL leaves the main process. */
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];
