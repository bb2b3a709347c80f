import { Button, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert';

interface ConfirmDeleteModalProps {
  opened: boolean;
  title: string;
  onClose: () => void;
  /** The API's count of what the delete removes: while it loads, or if it fails, nothing is deleted. */
  preview: { isError: boolean; error: Error | null; refetch: () => unknown };
  /** Says what goes, above the list: "This deletes the quiz, and with it:". */
  intro: string;
  /** What goes with it, one line each, once counted; null while counting. */
  removes: readonly ReactNode[] | null;
  /** The delete's own failure, shown above the buttons. */
  deleteError: { title: string; error: Error } | null;
  isDeleting: boolean;
  keepLabel: string;
  deleteLabel: string;
  onConfirm: () => void;
}

/**
 * The confirmation every cascading delete gets: what it removes, counted by the API before the
 * button can be pressed, with keeping it as the focused (default) choice.
 */
export function ConfirmDeleteModal({
  opened,
  title,
  onClose,
  preview,
  intro,
  removes,
  deleteError,
  isDeleting,
  keepLabel,
  deleteLabel,
  onConfirm,
}: ConfirmDeleteModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        {preview.isError ? (
          <ErrorAlert
            title="Couldn't tell what the delete would remove"
            error={preview.error}
            onRetry={() => void preview.refetch()}
          />
        ) : !removes ? (
          <Loader size="sm" aria-label="Counting what the delete would remove" />
        ) : (
          <>
            <Text size="sm">{intro}</Text>
            <List size="sm">
              {removes.map((line, index) => (
                <List.Item key={index}>{line}</List.Item>
              ))}
            </List>
          </>
        )}
        {deleteError && <ErrorAlert title={deleteError.title} error={deleteError.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {keepLabel}
          </Button>
          <Button color="red" onClick={onConfirm} disabled={!removes} loading={isDeleting}>
            {deleteLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
