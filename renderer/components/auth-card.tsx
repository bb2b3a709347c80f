import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface AuthCardProps {
  title: string;
  description: string;
  children: ReactNode;
}

/** The frame of the pages seen before signing in: a title, what to do, and the form. */
export function AuthCard({ title, description, children }: AuthCardProps) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack gap="md">
          <div>
            <Title order={1} size="h2">
              {title}
            </Title>
            <Text c="dimmed" size="sm" mt={4}>
              {description}
            </Text>
          </div>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
