import { Alert, Button, Group, Text } from '@mantine/core';
import { ApiCallError } from '../api';

/** The words for any error: the API's own message, or what a thrown error says. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiCallError) {
    return error.body.errorId ? `${error.message} (error id ${error.body.errorId})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

interface ErrorAlertProps {
  /** What was being done, as a title: "Couldn't load users". */
  title: string;
  error: unknown;
  onRetry?: () => void;
  /** Space above it, where it follows a form's fields. */
  mt?: string;
}

/** An error shown in words where it happened, announced to screen readers. */
export function ErrorAlert({ title, error, onRetry, mt }: ErrorAlertProps) {
  return (
    <Alert color="red" title={title} role="alert" mt={mt}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}
