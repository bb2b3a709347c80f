import { Alert, Code, Loader, Stack, Text, Title } from '@mantine/core';
import { useModelDrift } from '../hooks/use-migrations';
import { ErrorAlert } from './error-alert';

/** Whether the app's models and the database agree, and where they don't (`migrate check`). */
export function ModelDrift() {
  const drift = useModelDrift();
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Models and database
      </Title>
      {drift.isError ? (
        <ErrorAlert
          title="Couldn't compare the models with the database"
          error={drift.error}
          onRetry={() => void drift.refetch()}
        />
      ) : drift.isPending ? (
        <Loader size="sm" aria-label="Comparing the models with the database" />
      ) : drift.data.changes.length === 0 ? (
        <Text size="sm">The app's models and the database agree.</Text>
      ) : (
        <Alert color="orange" title="The app's models and the database differ">
          <Text size="sm">
            + only the models have it, - only the database, ~ both, differently. Pending migrations
            may account for it; otherwise a developer runs{' '}
            <Code>lms-admin migrate generate NAME</Code>.
          </Text>
          <Code block mt="xs" aria-label="Differences between the models and the database">
            {drift.data.changes.join('\n')}
          </Code>
        </Alert>
      )}
      {drift.data && drift.data.unmodelledTables.length > 0 && (
        <Text size="sm" c="dimmed">
          Tables no model describes (not compared): {drift.data.unmodelledTables.join(', ')}.
        </Text>
      )}
    </Stack>
  );
}
