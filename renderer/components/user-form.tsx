import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, NativeSelect, PasswordInput, Switch, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { contract } from '../../electron/api/contract';
import { fieldErrorText, placeFieldErrors } from '../forms';
import { conflictingUser, useCreateUser, useUpdateUser, type UserDetail } from '../hooks/use-user';
import { ConflictDialog, type ConflictField, type ConflictResolution } from './conflict-dialog';
import { ErrorAlert } from './error-alert';
import { RemovePasswordDialog } from './remove-password-dialog';

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

/** What a save did to the user's password, so the message after it can say so. */
export type PasswordChange = 'set' | 'removed' | null;

interface UserFormProps {
  /** The user to edit, as loaded; absent to create one. Remount (key by version) after a save. */
  user?: UserDetail;
  onSaved: (user: UserDetail, passwordChange: PasswordChange) => void;
  onCancel?: () => void;
}

/**
 * Creates a user, or edits one against the version it was loaded at (a new password too, or the
 * password removed, which the form never shows back). An error the API pins on a field shows next
 * to it; a save that meets someone else's newer version opens both versions.
 */
export function UserForm({ user, onSaved, onCancel }: UserFormProps) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const [formError, setFormError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<{
    draft: EditableUser;
    /** The new password the conflicted save carried ('' for none): resolving sends it again. */
    password: string;
    current: UserDetail;
  } | null>(null);
  const [isRemovingPassword, setIsRemovingPassword] = useState(false);
  const form = useForm<UserFormInput, unknown, UserFormValues>({
    resolver: zodResolver(userFormSchema),
    defaultValues: user
      ? { ...editableOf(user), password: '' }
      : { fullName: '', email: '', role: 'student', password: '', isActive: true },
  });
  const { errors } = form.formState;
  const isSaving = create.isPending || update.isPending;

  const onError = (error: unknown, draft: EditableUser, password: string): void => {
    const current = conflictingUser(error);
    if (current) setConflict({ draft, password, current });
    else if (!placeFieldErrors(error, form.setError, FIELD_NAMES)) setFormError(error);
  };

  /** Saves the fields, and a new password when one is typed ('' keeps the current one). */
  const save = (values: EditableUser, version: number, password: string): void => {
    if (!user) return;
    setFormError(null);
    update.mutate(
      { id: user.id, version, ...values, ...(password !== '' && { password }) },
      {
        onSuccess: (saved) => onSaved(saved, password === '' ? null : 'set'),
        onError: (error) => onError(error, values, password),
      },
    );
  };

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    if (user) {
      save(editableOf(values), user.version, values.password);
      return;
    }
    create.mutate(
      {
        fullName: values.fullName,
        email: values.email,
        role: values.role,
        ...(values.password !== '' && { password: values.password }),
      },
      {
        onSuccess: (created) => onSaved(created, null),
        onError: (error) => onError(error, editableOf(values), ''),
      },
    );
  });

  const resolveConflict = ({ values, version }: ConflictResolution<EditableUser>): void => {
    const password = conflict?.password ?? '';
    setConflict(null);
    // The form shows what is being saved, so a second conflict starts from the merged values.
    form.reset({ ...values, password });
    save(values, version, password);
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
      {user && (
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
      )}
      <PasswordInput
        mt="sm"
        label={user ? 'New password' : 'Password'}
        description={
          !user
            ? 'Only for staff who sign in to LMS Admin; leave empty for students.'
            : user.hasPassword
              ? 'Leave empty to keep the current password. At least 10 characters; only staff have one.'
              : "This user has no password, so can't sign in to LMS Admin: set one to let them (staff only, at least 10 characters)."
        }
        autoComplete="new-password"
        error={fieldErrorText(user ? 'New password' : 'Password', errors.password)}
        {...form.register('password')}
      />
      {user?.hasPassword && (
        <Group gap="xs" mt={6}>
          <Text size="xs" c="dimmed">
            They can sign in with their current password.
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            onClick={() => setIsRemovingPassword(true)}
          >
            Remove password…
          </Button>
        </Group>
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
      {user && (
        <RemovePasswordDialog
          user={isRemovingPassword ? user : null}
          onClose={() => setIsRemovingPassword(false)}
          onRemoved={(saved) => onSaved(saved, 'removed')}
        />
      )}
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
