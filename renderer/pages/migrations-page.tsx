import { Alert, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { ApplyMigrations } from '../components/apply-migrations';
import { ErrorAlert } from '../components/error-alert';
import { ModelDrift } from '../components/model-drift';
import { formatDateTime } from '../format';
import { useMigrationStatus } from '../hooks/use-migrations';

/** Problem kinds in words: what happened to a migration file, and what it means. */
const PROBLEM_TITLES = {
  changed: 'Changed since it was applied',
  missing: 'Applied, but its file is gone',
  'out-of-order': 'Pending, but older than one already applied',
  misnamed: 'Not named like a migration',
} as const;

/** The schema's history and what is left to apply. */
export function MigrationsPage() {
  const status = useMigrationStatus();

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Migrations
      </Title>
      {status.isError ? (
        <ErrorAlert
          title="Couldn't read the migration status"
          error={status.error}
          onRetry={() => void status.refetch()}
        />
      ) : status.isPending ? (
        <Loader size="sm" aria-label="Loading the migration status" />
      ) : (
        <>
          {status.data.problems.map((problem) => (
            <Alert
              key={`${problem.kind}:${problem.name}`}
              color="orange"
              title={`${problem.name}: ${PROBLEM_TITLES[problem.kind]}`}
            >
              {problem.message}
            </Alert>
          ))}
          {status.data.pending.length > 0 ? (
            <ApplyMigrations pending={status.data.pending} />
          ) : (
            <Text>
              The database is up to date
              {status.data.current ? ` (at ${status.data.current})` : ''}.
            </Text>
          )}
          <ModelDrift />
          <Title order={2} size="h4">
            Applied
          </Title>
          {status.data.applied.length === 0 ? (
            <Text size="sm" c="dimmed">
              None yet.
            </Text>
          ) : (
            <Table striped aria-label="Applied migrations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Migration</Table.Th>
                  <Table.Th scope="col">Applied</Table.Th>
                  <Table.Th scope="col">By</Table.Th>
                  <Table.Th scope="col">Took</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.data.applied.map((migration) => (
                  <Table.Tr key={migration.name}>
                    <Table.Td>{migration.name}</Table.Td>
                    <Table.Td>{formatDateTime(migration.appliedAt)}</Table.Td>
                    <Table.Td>{migration.appliedBy}</Table.Td>
                    <Table.Td>{migration.executionMs} ms</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}
