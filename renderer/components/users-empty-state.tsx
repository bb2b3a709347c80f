import { Button, Code, Paper, Stack, Text, Title } from '@mantine/core';

interface UsersEmptyStateProps {
  isFiltered: boolean;
  onClearFilters: () => void;
}

/** What to do when the list is empty: widen the filters, or add the first users. */
export function UsersEmptyState({ isFiltered, onClearFilters }: UsersEmptyStateProps) {
  return (
    <Paper withBorder p="xl" radius="md">
      {isFiltered ? (
        <Stack align="flex-start" gap="xs">
          <Title order={2} size="h4">
            No users match these filters
          </Title>
          <Text size="sm">
            Check the spelling, search a shorter part of the name, or show every role.
          </Text>
          <Button variant="light" onClick={onClearFilters}>
            Clear filters
          </Button>
        </Stack>
      ) : (
        <Stack align="flex-start" gap="xs">
          <Title order={2} size="h4">
            No users yet
          </Title>
          <Text size="sm">
            Add students and staff from a CSV file (columns email, full_name, role) with{' '}
            <Code>lms-admin users import FILE</Code>; they appear here as soon as it finishes.
          </Text>
        </Stack>
      )}
    </Paper>
  );
}
