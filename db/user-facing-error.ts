/**
 * An error whose message is written for the person at the keyboard: what was wrong and what to do.
 * The CLI prints it as one line (no stack unless `--verbose`); anything else is a bug.
 */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}
