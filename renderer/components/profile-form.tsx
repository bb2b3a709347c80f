import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Textarea,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { profileInputSchema, sslModes, type SslMode } from '../../db/schemas/connection-profiles';
import type { ChannelInput } from '../../electron/api/contract';
import { ApiCallError } from '../api';
import { fieldErrorText, placeFieldErrors } from '../forms';
import {
  useSaveProfile,
  useTestConnection,
  type ProfileSummary,
} from '../hooks/use-connection-profiles';
import { ConflictDialog, type ConflictField } from './conflict-dialog';
import { ErrorAlert } from './error-alert';

const SSL_MODE_LABELS: Record<SslMode, string> = {
  disable: 'disable: no encryption (trusted networks only)',
  require: 'require: encrypted, certificate not checked',
  'verify-ca': 'verify-ca: encrypted, signed by the CA below',
  'verify-full': 'verify-full: encrypted, CA and host name checked',
};

/** The form's own shape: text boxes hold strings, so an empty CA or password is ''. */
const profileFormSchema = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number(),
  database: z.string(),
  user: z.string(),
  password: z.string(),
  isPasswordRemoved: z.boolean(),
  sslMode: z.enum(sslModes),
  caCertificate: z.string(),
});
type ProfileFormValues = z.infer<typeof profileFormSchema>;

const FIELD_NAMES = [
  'name',
  'host',
  'port',
  'database',
  'user',
  'password',
  'sslMode',
  'caCertificate',
] as const;

/** The conflict dialog compares what both sides can see: never the password. */
type ComparedFields = Omit<ProfileFormValues, 'password' | 'isPasswordRemoved'>;
const CONFLICT_FIELDS: readonly ConflictField<ComparedFields>[] = [
  { name: 'name', label: 'Name' },
  { name: 'host', label: 'Host' },
  { name: 'port', label: 'Port' },
  { name: 'database', label: 'Database' },
  { name: 'user', label: 'User' },
  { name: 'sslMode', label: 'SSL mode' },
  { name: 'caCertificate', label: 'CA certificate' },
];

function valuesOf(profile: ProfileSummary | undefined): ProfileFormValues {
  return {
    name: profile?.name ?? '',
    host: profile?.host ?? '',
    port: profile?.port ?? 5432,
    database: profile?.database ?? '',
    user: profile?.user ?? '',
    password: '',
    isPasswordRemoved: false,
    sslMode: profile?.sslMode ?? 'verify-full',
    caCertificate: profile?.caCertificate ?? '',
  };
}

/** The form as the API takes it: an untouched password box keeps the stored password. */
function inputOf(
  values: ProfileFormValues,
  editing: { id: string; version: number } | undefined,
): ChannelInput<'profiles.save'> {
  const password = values.isPasswordRemoved ? '' : values.password || undefined;
  return {
    ...editing,
    name: values.name,
    host: values.host,
    port: values.port,
    database: values.database,
    user: values.user,
    sslMode: values.sslMode,
    ...(values.caCertificate.trim() !== '' && { caCertificate: values.caCertificate }),
    ...(password !== undefined && { password }),
  };
}

interface ProfileFormProps {
  /** The profile being changed; a new one when absent. */
  profile?: ProfileSummary;
  passwordProtection: string;
  onDone: () => void;
}

/** Adds or changes a connection profile; its connection can be tested before saving. */
export function ProfileForm({ profile, passwordProtection, onDone }: ProfileFormProps) {
  const save = useSaveProfile();
  const test = useTestConnection();
  const [formError, setFormError] = useState<unknown>(null);
  const [editing, setEditing] = useState(profile && { id: profile.id, version: profile.version });
  const [conflict, setConflict] = useState<ProfileSummary | null>(null);
  const form = useForm<ProfileFormValues>({
    resolver: zodResolver(profileFormSchema),
    defaultValues: valuesOf(profile),
  });
  const { errors } = form.formState;
  const sslMode = form.watch('sslMode');
  const isPasswordRemoved = form.watch('isPasswordRemoved');

  /** Checks the draft with the contract's own schema, placing its complaints by their fields. */
  const parsedDraft = (
    values: ProfileFormValues,
    target = editing,
  ): ChannelInput<'profiles.save'> | undefined => {
    const input = inputOf(values, target);
    const parsed = profileInputSchema.safeParse(input);
    if (parsed.success) return input;
    for (const issue of parsed.error.issues) {
      const field = FIELD_NAMES.find((name) => name === issue.path[0]);
      if (field) form.setError(field, { type: 'schema', message: issue.message });
    }
    return undefined;
  };

  const submit = (values: ProfileFormValues, target = editing): void => {
    setFormError(null);
    const input = parsedDraft(values, target);
    if (!input) return;
    save.mutate(input, {
      onSuccess: (saved) => {
        notifications.show({
          title: profile ? 'Profile saved' : 'Profile added',
          message: `“${saved.name}” is saved; its password is ${saved.hasPassword ? 'stored encrypted' : 'not stored'}.`,
        });
        onDone();
      },
      onError: (error) => {
        const current =
          error instanceof ApiCallError && error.code === 'CONFLICT'
            ? ((error.body.current ?? null) as ProfileSummary | null)
            : null;
        if (current) setConflict(current);
        else if (!placeFieldErrors(error, form.setError, FIELD_NAMES)) setFormError(error);
      },
    });
  };
  const onSubmit = form.handleSubmit((values) => submit(values));

  const onTest = (): void => {
    const input = parsedDraft(form.getValues());
    if (input) test.mutate(input);
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <TextInput
        label="Name"
        required
        data-autofocus
        description="What to call this server, e.g. Central"
        error={fieldErrorText('Name', errors.name)}
        {...form.register('name')}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
        <TextInput
          label="Host"
          required
          style={{ gridColumn: 'span 2' }}
          error={fieldErrorText('Host', errors.host)}
          {...form.register('host')}
        />
        <Controller
          control={form.control}
          name="port"
          render={({ field }) => (
            <NumberInput
              label="Port"
              required
              min={1}
              max={65535}
              allowDecimal={false}
              value={field.value}
              onChange={(value) => field.onChange(typeof value === 'number' ? value : 0)}
              onBlur={field.onBlur}
              error={fieldErrorText('Port', errors.port)}
            />
          )}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
        <TextInput
          label="Database"
          required
          error={fieldErrorText('Database', errors.database)}
          {...form.register('database')}
        />
        <TextInput
          label="User"
          required
          autoComplete="off"
          error={fieldErrorText('User', errors.user)}
          {...form.register('user')}
        />
      </SimpleGrid>
      <PasswordInput
        mt="sm"
        label="Password"
        autoComplete="new-password"
        disabled={isPasswordRemoved}
        description={
          profile?.hasPassword
            ? `A password is stored (${passwordProtection}). Leave empty to keep it.`
            : `Stored ${passwordProtection}.`
        }
        error={fieldErrorText('Password', errors.password)}
        {...form.register('password')}
      />
      {profile?.hasPassword && (
        <Checkbox
          mt="xs"
          label="Remove the stored password"
          {...form.register('isPasswordRemoved')}
        />
      )}
      <Controller
        control={form.control}
        name="sslMode"
        render={({ field }) => (
          <Select
            mt="sm"
            label="SSL mode"
            allowDeselect={false}
            data={sslModes.map((mode) => ({ value: mode, label: SSL_MODE_LABELS[mode] }))}
            value={field.value}
            onChange={(value) => value && field.onChange(value)}
            error={fieldErrorText('SSL mode', errors.sslMode)}
          />
        )}
      />
      {sslMode !== 'disable' && (
        <Textarea
          mt="sm"
          label="CA certificate"
          description="PEM text of the CA that signed the server's certificate; empty uses the CAs this computer trusts."
          autosize
          minRows={2}
          maxRows={8}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          error={fieldErrorText('CA certificate', errors.caCertificate)}
          {...form.register('caCertificate')}
        />
      )}
      {test.data &&
        (test.data.ok ? (
          <Alert mt="md" color="green" title="Connected" role="status">
            PostgreSQL {test.data.serverVersion} answered in {test.data.latencyMs} ms,{' '}
            {test.data.isSsl ? 'over SSL' : 'without SSL'}; {test.data.appliedMigrations}{' '}
            migration(s) of LMS Admin applied there.
          </Alert>
        ) : (
          <Alert mt="md" color="red" title="Couldn't connect" role="alert">
            {test.data.message}
          </Alert>
        ))}
      {test.isError && (
        <ErrorAlert title="Couldn't test the connection" error={test.error} mt="md" />
      )}
      {formError !== null && (
        <ErrorAlert title="Couldn't save the profile" error={formError} mt="md" />
      )}
      <Group justify="space-between" mt="lg">
        <Button variant="light" onClick={onTest} loading={test.isPending}>
          Test connection
        </Button>
        <Group>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {profile ? 'Save profile' : 'Add profile'}
          </Button>
        </Group>
      </Group>
      {conflict && (
        <ConflictDialog<ComparedFields>
          opened
          what="connection profile"
          draft={form.getValues()}
          current={{ ...valuesOf(conflict), version: conflict.version }}
          base={profile && valuesOf(profile)}
          fields={CONFLICT_FIELDS}
          onCancel={() => setConflict(null)}
          onResolve={({ values, version }) => {
            const merged = { ...form.getValues(), ...values };
            const target = { id: conflict.id, version };
            form.reset(merged);
            setEditing(target);
            setConflict(null);
            submit(merged, target);
          }}
        />
      )}
    </form>
  );
}
