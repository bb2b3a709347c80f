import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, NativeSelect, PasswordInput, Switch, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ApiCallError } from '../api';
import { contract } from '../../electron/api/contract';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { useCreateUser, useUpdateUser, type UserDetail } from '../hooks/use-user';
import { ConflictDialog, type ConflictField, type ConflictResolution } from './conflict-dialog';
import { ErrorAlert } from './error-alert';

const createShape = contract['users.create'].input.shape;

/** The roles a person picks from, in the words the app uses. */
export const USER_ROLE_OPTIONS = [
  { value: 'student', label: 'Student' },
  { value: 'instructor', label: 'Instructor' },
  { value: 'admin', label: 'Admin' },
  { value: 'support', label: 'Support (read-only)' },
] as const;

/**
 * The contract's fields as the form fills them: an empty password box is an empty string (no
 * password), and the contract's rule that students have none is checked here too.
 */
const userFormSchema = z
  .object({
    fullName: createShape.fullName,
    email: createShape.email,
    role: createShape.role,
    password: z.literal('').or(createShape.password.unwrap()),
    isActive: z.boolean(),
  })
  .refine((user) => !(user.role === 'student' && user.password !== ''), {
    message: 'must stay empty for students: they do not sign in to this app',
    path: ['password'],
  });
type UserFormInput = z.input<typeof userFormSchema>;
type UserFormValues = z.output<typeof userFormSchema>;

/** The fields an edit saves, and so the ones a conflict may be about. */
type EditableUser = Pick<UserFormValues, 'fullName' | 'email' | 'role' | 'isActive'>;

const CONFLICT_FIELDS: readonly ConflictField<EditableUser>[] = [
  { name: 'fullName', label: 'Full name' },
  { name: 'email', label: 'Email' },
  { name: 'role', label: 'Role' },
  { name: 'isActive', label: 'Active' },
];

const FIELD_NAMES = ['fullName', 'email', 'role', 'password', 'isActive'] as const;

function editableOf(user: EditableUser): EditableUser {
  return { fullName: user.fullName, email: user.email, role: user.role, isActive: user.isActive };
}

/** The row a CONFLICT answer carries, when it is a user (a duplicate email carries none). */
function conflictingUser(error: unknown): UserDetail | null {
  if (!(error instanceof ApiCallError) || error.code !== 'CONFLICT') return null;
  const parsed = contract['users.get'].output.safeParse(error.body.current);
  return parsed.success ? parsed.data : null;
}

interface UserFormProps {
  /** The user to edit, as loaded; absent to create one. Remount (key by version) after a save. */
  user?: UserDetail;
  onSaved: (user: UserDetail) => void;
  onCancel?: () => void;
}

/**
 * Creates a user, or edits one against the version it was loaded at. An error the API pins on a
 * field shows next to it; a save that meets someone else's newer version opens both versions.
 */
export function UserForm({ user, onSaved, onCancel }: UserFormProps) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const [formError, setFormError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<{ draft: EditableUser; current: UserDetail } | null>(
    null,
  );
  const form = useForm<UserFormInput, unknown, UserFormValues>({
    resolver: zodResolver(userFormSchema),
    defaultValues: user
      ? { ...editableOf(user), password: '' }
      : { fullName: '', email: '', role: 'student', password: '', isActive: true },
  });
  const { errors } = form.formState;
  const isSaving = create.isPending || update.isPending;

  const onError = (error: unknown, draft: EditableUser): void => {
    const current = conflictingUser(error);
    if (current) setConflict({ draft, current });
    else if (!placeFieldErrors(error, form.setError, FIELD_NAMES)) setFormError(error);
  };

  const save = (values: EditableUser, version: number): void => {
    if (!user) return;
    setFormError(null);
    update.mutate(
      { id: user.id, version, ...values },
      { onSuccess: onSaved, onError: (error) => onError(error, values) },
    );
  };

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    if (user) {
      save(editableOf(values), user.version);
      return;
    }
    create.mutate(
      {
        fullName: values.fullName,
        email: values.email,
        role: values.role,
        ...(values.password !== '' && { password: values.password }),
      },
      { onSuccess: onSaved, onError: (error) => onError(error, editableOf(values)) },
    );
  });

  const resolveConflict = ({ values, version }: ConflictResolution<EditableUser>): void => {
    setConflict(null);
    // The form shows what is being saved, so a second conflict starts from the merged values.
    form.reset({ ...values, password: '' });
    save(values, version);
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={user ? 'Edit user' : 'New user'}>
      <TextInput
        label="Full name"
        required
        data-autofocus
        error={fieldErrorText('Full name', errors.fullName)}
        {...form.register('fullName')}
      />
      <TextInput
        mt="sm"
        label="Email"
        type="email"
        required
        error={fieldErrorText('Email', errors.email)}
        {...form.register('email')}
      />
      <NativeSelect
        mt="sm"
        label="Role"
        data={USER_ROLE_OPTIONS}
        error={fieldErrorText('Role', errors.role)}
        {...form.register('role')}
      />
      {user ? (
        // Controlled: Mantine's Switch keeps its own checked state, which `register` can't set.
        <Controller
          control={form.control}
          name="isActive"
          render={({ field }) => (
            <Switch
              mt="md"
              label="Active (can be enrolled; staff can sign in)"
              name={field.name}
              ref={field.ref}
              checked={field.value}
              onBlur={field.onBlur}
              onChange={(event) => field.onChange(event.currentTarget.checked)}
            />
          )}
        />
      ) : (
        <PasswordInput
          mt="sm"
          label="Password"
          description="Only for staff who sign in to LMS Admin; leave empty for students."
          autoComplete="new-password"
          error={fieldErrorText('Password', errors.password)}
          {...form.register('password')}
        />
      )}
      {formError !== null && (
        <ErrorAlert
          title={user ? "Couldn't save the user" : "Couldn't create the user"}
          error={formError}
          mt="md"
        />
      )}
      <Group justify="flex-end" mt="lg">
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" loading={isSaving}>
          {user ? 'Save changes' : 'Create user'}
        </Button>
      </Group>
      {conflict && user && (
        <ConflictDialog
          key={conflict.current.version}
          opened
          what="user"
          draft={conflict.draft}
          current={{ ...editableOf(conflict.current), version: conflict.current.version }}
          base={editableOf(user)}
          fields={CONFLICT_FIELDS}
          onResolve={resolveConflict}
          onCancel={() => setConflict(null)}
        />
      )}
    </form>
  );
}
