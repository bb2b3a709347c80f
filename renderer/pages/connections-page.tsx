import { Badge, Button, Group, Loader, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { ProfileForm } from '../components/profile-form';
import {
  useConnectionProfiles,
  useProfileListChange,
  useTestConnection,
  type ProfileSummary,
} from '../hooks/use-connection-profiles';

/** What the person is doing in a dialog: adding, editing or removing a profile. */
type Dialog =
  | { kind: 'add' }
  | { kind: 'edit'; profile: ProfileSummary }
  | { kind: 'remove'; profile: ProfileSummary };

function ProfileTestResult({ profile }: { profile: ProfileSummary }) {
  const test = useTestConnection();
  return (
    <Stack gap={4} align="flex-end">
      <Button
        size="xs"
        variant="light"
        loading={test.isPending}
        onClick={() => test.mutate({ id: profile.id })}
        aria-label={`Test the connection to ${profile.name}`}
      >
        Test
      </Button>
      {test.data && (
        <Text size="xs" c={test.data.ok ? 'green.9' : 'red.9'} role="status" maw={360} ta="right">
          {test.data.ok
            ? `Connected: PostgreSQL ${test.data.serverVersion}, ${test.data.isSsl ? 'SSL' : 'no SSL'}, ${test.data.latencyMs} ms`
            : test.data.message}
        </Text>
      )}
      {test.isError && <ErrorAlert title="Couldn't test the connection" error={test.error} />}
    </Stack>
  );
}

/** The servers LMS Admin can work on: the embedded database, and saved connection profiles. */
export function ConnectionsPage() {
  const list = useConnectionProfiles();
  const activate = useProfileListChange('profiles.activate');
  const remove = useProfileListChange('profiles.remove');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = (): void => setDialog(null);

  const inUseBadge = <Badge color="teal.9">Used at next start</Badge>;
  const useButton = (id: string | null, name: string) => (
    <Button
      size="xs"
      variant="default"
      loading={activate.isPending && activate.variables.id === id}
      onClick={() => activate.mutate({ id })}
      aria-label={`Use ${name} from the next start`}
    >
      Use
    </Button>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Connections
        </Title>
        <Button onClick={() => setDialog({ kind: 'add' })}>Add server</Button>
      </Group>
      <Text size="sm" c="dimmed">
        LMS Admin works on its embedded database unless you choose a server here. The choice applies
        from the next start of LMS Admin (and to CLI commands at once); `--database-url` and
        DATABASE_URL still win over it.
      </Text>
      {activate.isError && (
        <ErrorAlert title="Couldn't choose the database" error={activate.error} />
      )}
      {list.isError ? (
        <ErrorAlert
          title="Couldn't read the connection profiles"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <Loader size="sm" aria-label="Loading the connection profiles" />
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          <Paper component="li" withBorder p="md" aria-label="Embedded database">
            <Group justify="space-between">
              <div>
                <Text fw={600}>Embedded database</Text>
                <Text size="sm" c="dimmed">
                  On this computer; works offline, needs no setup.
                </Text>
              </div>
              {list.data.activeProfileId === null
                ? inUseBadge
                : useButton(null, 'the embedded database')}
            </Group>
          </Paper>
          {list.data.profiles.map((profile) => (
            <Paper component="li" key={profile.id} withBorder p="md" aria-label={profile.name}>
              <Group justify="space-between" align="flex-start">
                <div>
                  <Text fw={600}>{profile.name}</Text>
                  <Text size="sm" c="dimmed">
                    {profile.user}@{profile.host}:{profile.port}/{profile.database} · sslmode{' '}
                    {profile.sslMode} · {profile.hasPassword ? 'password stored' : 'no password'}
                  </Text>
                </div>
                <Group gap="xs" align="flex-start">
                  <ProfileTestResult profile={profile} />
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => setDialog({ kind: 'edit', profile })}
                    aria-label={`Edit ${profile.name}`}
                  >
                    Edit
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    color="red"
                    onClick={() => setDialog({ kind: 'remove', profile })}
                    aria-label={`Remove ${profile.name}`}
                  >
                    Remove
                  </Button>
                  {list.data.activeProfileId === profile.id
                    ? inUseBadge
                    : useButton(profile.id, profile.name)}
                </Group>
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      {list.data?.profiles.length === 0 && (
        <EmptyState title="No servers saved">
          Add a server to work on a shared PostgreSQL database, such as the central one your team
          uses. Its password is stored encrypted on this computer.
        </EmptyState>
      )}
      <Modal
        opened={dialog?.kind === 'add' || dialog?.kind === 'edit'}
        onClose={close}
        title={dialog?.kind === 'edit' ? `Edit ${dialog.profile.name}` : 'Add a server'}
        size="lg"
      >
        {list.data && (dialog?.kind === 'add' || dialog?.kind === 'edit') && (
          <ProfileForm
            profile={dialog.kind === 'edit' ? dialog.profile : undefined}
            passwordProtection={list.data.passwordProtection}
            onDone={close}
          />
        )}
      </Modal>
      <Modal
        opened={dialog?.kind === 'remove'}
        onClose={close}
        title={dialog?.kind === 'remove' ? `Remove ${dialog.profile.name}?` : ''}
      >
        {dialog?.kind === 'remove' && (
          <Stack>
            <Text size="sm">
              This removes the profile and its stored password from this computer. The database on{' '}
              {dialog.profile.host} is not touched.
              {list.data?.activeProfileId === dialog.profile.id &&
                ' It is the one chosen for the next start: the embedded database will be used instead.'}
            </Text>
            {remove.isError && (
              <ErrorAlert title="Couldn't remove the profile" error={remove.error} />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Keep it
              </Button>
              <Button
                color="red"
                loading={remove.isPending}
                onClick={() => remove.mutate({ id: dialog.profile.id }, { onSuccess: close })}
              >
                Remove profile
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
