import { zodResolver } from '@hookform/resolvers/zod';
import { Button, PasswordInput, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { contract } from '../../electron/api/contract';
import { AuthCard } from '../components/auth-card';
import { ErrorAlert } from '../components/error-alert';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useSetup } from '../hooks/use-session';

/** The contract's setup input, plus the password typed twice: the first admin has no one to reset it. */
const setupFormSchema = contract['auth.setup'].input
  .extend({ repeatPassword: z.string() })
  .refine((values) => values.password === values.repeatPassword, {
    message: 'must be the same as the password',
    path: ['repeatPassword'],
  });
type SetupFormInput = z.input<typeof setupFormSchema>;
type SetupFormValues = z.output<typeof setupFormSchema>;

/** First run: creates the first admin, who is then signed in. */
export function SetupPage() {
  const setup = useSetup();
  /** An error no single field explains, shown above the button. */
  const [formError, setFormError] = useState<unknown>(null);
  const form = useForm<SetupFormInput, unknown, SetupFormValues>({
    resolver: zodResolver(setupFormSchema),
    defaultValues: { fullName: '', email: '', password: '', repeatPassword: '' },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(({ fullName, email, password }) => {
    setFormError(null);
    setup.mutate(
      { fullName, email, password },
      {
        onSuccess: (user) =>
          notifications.show({
            title: `Welcome, ${user.fullName}`,
            message: 'You are the first admin of this database.',
          }),
        onError: (error) => {
          if (!placeFieldErrors(error, form.setError, ['fullName', 'email', 'password'])) {
            setFormError(error);
          }
        },
      },
    );
  });

  return (
    <AuthCard
      title="Set up LMS Admin"
      description="This database has no admin yet. Create the first admin account; you can add other staff afterwards."
    >
      <form onSubmit={onSubmit} noValidate>
        <TextInput
          label="Full name"
          autoComplete="name"
          autoFocus
          required
          error={fieldErrorText('Full name', errors.fullName)}
          {...form.register('fullName')}
        />
        <TextInput
          mt="sm"
          label="Email"
          type="email"
          autoComplete="username"
          required
          error={fieldErrorText('Email', errors.email)}
          {...form.register('email')}
        />
        <PasswordInput
          visibilityToggleFocusable
          mt="sm"
          label="Password"
          description="At least 10 characters; a passphrase is easiest to remember."
          autoComplete="new-password"
          required
          error={fieldErrorText('Password', errors.password)}
          {...form.register('password')}
        />
        <PasswordInput
          visibilityToggleFocusable
          mt="sm"
          label="Repeat password"
          autoComplete="new-password"
          required
          error={fieldErrorText('Repeated password', errors.repeatPassword)}
          {...form.register('repeatPassword')}
        />
        {formError !== null && (
          <ErrorAlert title="Couldn't create the admin" error={formError} mt="md" />
        )}
        <Button type="submit" mt="lg" fullWidth loading={setup.isPending}>
          Create admin and sign in
        </Button>
      </form>
    </AuthCard>
  );
}
