import {
  Accordion,
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  List,
  Loader,
  Modal,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import {
  useApplyMigrations,
  useMigrationPreview,
  type MigrationPreview,
} from '../hooks/use-migrations';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

interface ApplyMigrationsProps {
  pending: readonly string[];
}

function plural(count: number): string {
  return count === 1 ? '1 migration' : `${count} migrations`;
}

/** One pending migration: its warnings in view, its SQL a click away. */
function PendingMigration({ preview }: { preview: MigrationPreview }) {
  return (
    <Accordion.Item value={preview.name}>
      <Accordion.Control>
        {preview.name}
        {preview.riskySteps.length > 0 && ` — ${preview.riskySteps.length} step(s) to confirm`}
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="xs">
          {preview.riskySteps.map((step) => (
            <Alert
              key={step.statement + step.message}
              color="red"
              title="Drops data or locks a table"
            >
              {step.message}.
            </Alert>
          ))}
          {preview.caveats.map((caveat) => (
            <Alert key={caveat} color="yellow" title="The SQL below may not be exact">
              {caveat}.
            </Alert>
          ))}
          {/* Scrolls inside, so a long migration doesn't push Apply off the page; Tab reaches it. */}
          <Code
            block
            aria-label={`SQL of ${preview.name}`}
            tabIndex={0}
            style={{ maxHeight: '28rem', overflow: 'auto' }}
          >
            {preview.sql || '-- (sends no SQL)'}
          </Code>
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

/**
 * The pending migrations with the SQL each would run and its warnings, and applying them:
 * confirmed first (steps that drop data or lock a large table need an explicit yes), then a
 * live progress bar and Cancel.
 */
export function ApplyMigrations({ pending }: ApplyMigrationsProps) {
  const [isConfirming, confirming] = useDisclosure(false);
  const [isDestructiveAccepted, setDestructiveAccepted] = useState(false);
  const apply = useApplyMigrations();
  const preview = useMigrationPreview(pending.length > 0);
  const riskySteps = (preview.data?.migrations ?? []).flatMap((migration) =>
    migration.riskySteps.map((step) => `${migration.name} ${step.message}`),
  );

  const start = (): void => {
    confirming.close();
    apply.mutate({ allowDestructive: riskySteps.length > 0 && isDestructiveAccepted });
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {plural(pending.length)} pending
        </Title>
        {preview.isError ? (
          <>
            <ErrorAlert
              title="Couldn't preview the pending migrations"
              error={preview.error}
              onRetry={() => void preview.refetch()}
            />
            <List size="sm">
              {pending.map((name) => (
                <List.Item key={name}>{name}</List.Item>
              ))}
            </List>
          </>
        ) : preview.isPending ? (
          <Loader size="sm" aria-label="Loading the SQL of the pending migrations" />
        ) : (
          <Accordion multiple aria-label="Pending migrations">
            {preview.data.migrations.map((migration) => (
              <PendingMigration key={migration.name} preview={migration} />
            ))}
          </Accordion>
        )}
        {apply.isPending ? (
          <LongCallProgress
            label="Migration progress"
            progress={apply.progress}
            expectedTotal={pending.length}
            onCancel={apply.cancel}
          />
        ) : (
          <Group>
            <Button
              onClick={() => {
                setDestructiveAccepted(false);
                confirming.open();
              }}
            >
              Apply {plural(pending.length)}
            </Button>
          </Group>
        )}
        {apply.isError && (
          <ErrorAlert title="The migrations did not all apply" error={apply.error} />
        )}
      </Stack>
      <Modal opened={isConfirming} onClose={confirming.close} title="Apply migrations?">
        <Stack gap="sm">
          <Text size="sm">
            This changes the database's schema: {plural(pending.length)} will run, in order, each in
            a transaction of its own. Cancelling stops before the next one; those already applied
            stay applied. Back up a database you can't recreate first.
          </Text>
          {riskySteps.length > 0 && (
            <>
              <Alert color="red" title="Some steps drop data or lock a table">
                <List size="sm">
                  {riskySteps.map((step) => (
                    <List.Item key={step}>{step}</List.Item>
                  ))}
                </List>
              </Alert>
              <Checkbox
                label="I have read these steps and want them to run"
                checked={isDestructiveAccepted}
                onChange={(event) => setDestructiveAccepted(event.currentTarget.checked)}
              />
            </>
          )}
        </Stack>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={confirming.close}>
            Not now
          </Button>
          <Button
            onClick={start}
            data-autofocus
            disabled={riskySteps.length > 0 && !isDestructiveAccepted}
          >
            Apply {plural(pending.length)}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}
