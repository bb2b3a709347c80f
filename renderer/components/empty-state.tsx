import { Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  /** What to do next, in a sentence or two. */
  children: ReactNode;
  /** The button that does it, when the app can. */
  action?: ReactNode;
}

/** What an empty list shows: why it is empty, and what to do next. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack align="flex-start" gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Text size="sm">{children}</Text>
        {action}
      </Stack>
    </Paper>
  );
}
