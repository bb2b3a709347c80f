import { Button, Group, List, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useApplyMigrations } from '../hooks/use-migrations';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

interface ApplyMigrationsProps {
  pending: readonly string[];
}

function plural(count: number): string {
  return count === 1 ? '1 migration' : `${count} migrations`;
}

/** The pending migrations, and applying them: confirmed first, then a live progress bar and Cancel. */
export function ApplyMigrations({ pending }: ApplyMigrationsProps) {
  const [isConfirming, confirming] = useDisclosure(false);
  const apply = useApplyMigrations();

  const start = (): void => {
    confirming.close();
    apply.mutate(undefined);
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {plural(pending.length)} pending
        </Title>
        <List size="sm">
          {pending.map((name) => (
            <List.Item key={name}>{name}</List.Item>
          ))}
        </List>
        {apply.isPending ? (
          <LongCallProgress
            label="Migration progress"
            progress={apply.progress}
            expectedTotal={pending.length}
            onCancel={apply.cancel}
          />
        ) : (
          <Group>
            <Button onClick={confirming.open}>Apply {plural(pending.length)}</Button>
          </Group>
        )}
        {apply.isError && (
          <ErrorAlert title="The migrations did not all apply" error={apply.error} />
        )}
      </Stack>
      <Modal opened={isConfirming} onClose={confirming.close} title="Apply migrations?">
        <Text size="sm">
          This changes the database's schema: {plural(pending.length)} will run, in order, each in a
          transaction of its own. Cancelling stops before the next one; those already applied stay
          applied. Back up a database you can't recreate first.
        </Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={confirming.close}>
            Not now
          </Button>
          <Button onClick={start} data-autofocus>
            Apply {plural(pending.length)}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}
