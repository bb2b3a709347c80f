import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { conflictingUser, useUpdateUser, type UserDetail } from '../hooks/use-user';
import { ErrorAlert } from './error-alert';

interface RemovePasswordDialogProps {
  /** Whose password to remove, as loaded; null keeps the dialog closed. */
  user: UserDetail | null;
  onClose: () => void;
  onRemoved: (user: UserDetail) => void;
}

/**
 * Confirms removing a user's password, saying what follows: they can't sign in until an admin
 * sets a new one. If someone changed the user meanwhile, shows them as they are now and asks again
 * against that version, so nothing of the other change is lost.
 */
export function RemovePasswordDialog({ user, onClose, onRemoved }: RemovePasswordDialogProps) {
  const update = useUpdateUser();
  const [userNow, setUserNow] = useState<UserDetail | null>(null);
  const target = userNow ?? user;

  const close = (): void => {
    setUserNow(null);
    update.reset();
    onClose();
  };
  const remove = async (): Promise<void> => {
    if (!target) return;
    try {
      // Awaited, not a callback: saving remounts the form this dialog belongs to.
      const saved = await update.mutateAsync({
        id: target.id,
        version: target.version,
        password: null,
      });
      setUserNow(null);
      onRemoved(saved);
      onClose();
    } catch (error) {
      const now = conflictingUser(error);
      if (now) setUserNow(now);
    }
  };

  const isStale = userNow !== null && conflictingUser(update.error) !== null;
  return (
    <Modal opened={user !== null} onClose={close} title="Remove password">
      {target && (
        <Stack>
          <Text size="sm">
            Remove the password of <strong>{target.fullName}</strong> ({target.email})? They
            can&apos;t sign in to LMS Admin until an admin sets a new one, and a session they have
            open ends at their next action. Nothing else about them changes.
          </Text>
          {isStale && (
            <Alert color="yellow" title="Someone changed this user meanwhile">
              <Text size="sm">
                Now: {target.fullName} · {target.email} · {target.role} ·{' '}
                {target.isActive ? 'active' : 'deactivated'} ·{' '}
                {target.hasPassword ? 'has a password' : 'no password'}. Nothing was removed yet;
                confirm again to remove it from this version.
              </Text>
            </Alert>
          )}
          {update.isError && !isStale && (
            <ErrorAlert title="The password was not removed" error={update.error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => void remove()}
              loading={update.isPending}
              disabled={!target.hasPassword}
            >
              Remove password
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
