import { zodResolver } from '@hookform/resolvers/zod';
import { Button, PasswordInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { contract } from '../../electron/api/contract';
import { AuthCard } from '../components/auth-card';
import { ErrorAlert } from '../components/error-alert';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useSignIn } from '../hooks/use-session';

const signInSchema = contract['auth.signIn'].input;

/** Sign-in for staff (admins, instructors, support). */
export function SignInPage() {
  const signIn = useSignIn();
  /** An error no single field explains, shown above the button. */
  const [formError, setFormError] = useState<unknown>(null);
  const form = useForm<z.input<typeof signInSchema>, unknown, z.output<typeof signInSchema>>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: '', password: '' },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    signIn.mutate(values, {
      onError: (error) => {
        if (!placeFieldErrors(error, form.setError, ['email', 'password'])) setFormError(error);
        // A wrong password is retyped, not edited.
        form.resetField('password');
        form.setFocus('password');
      },
    });
  });

  return (
    <AuthCard title="Sign in to LMS Admin" description="Use your staff email and password.">
      <form onSubmit={onSubmit} noValidate>
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus
          required
          error={fieldErrorText('Email', errors.email)}
          {...form.register('email')}
        />
        <PasswordInput
          visibilityToggleFocusable
          mt="sm"
          label="Password"
          autoComplete="current-password"
          required
          error={fieldErrorText('Password', errors.password)}
          {...form.register('password')}
        />
        {formError !== null && <ErrorAlert title="Couldn't sign in" error={formError} mt="md" />}
        <Button type="submit" mt="lg" fullWidth loading={signIn.isPending}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
