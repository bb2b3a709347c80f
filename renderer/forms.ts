import type { FieldError, FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiCallError } from './api';

/**
 * A field's error in words. The contract's messages say what is wrong ("must be at least 10
 * characters"); the label says which field, so the sentence stands on its own.
 */
export function fieldErrorText(label: string, error: FieldError | undefined): string | undefined {
  return error?.message ? `${label} ${error.message}` : undefined;
}

/**
 * Puts an API `VALIDATION` error's fields next to the form's own fields. Returns whether every
 * field it named was placed, so the caller shows the error as a whole only when something is left.
 */
export function placeFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fieldNames: readonly Path<T>[],
): boolean {
  if (!(error instanceof ApiCallError) || !error.fields) return false;
  let unplaced = 0;
  for (const [name, message] of Object.entries(error.fields)) {
    const field = fieldNames.find((candidate) => candidate === name);
    if (field) setError(field, { type: 'server', message });
    else unplaced += 1;
  }
  return unplaced === 0;
}
