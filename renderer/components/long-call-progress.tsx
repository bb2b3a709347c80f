import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { ApiProgress } from '../../electron/api/contract';

interface LongCallProgressProps {
  /** What is under way, for the bar's accessible name: "Export progress". */
  label: string;
  progress: ApiProgress | null;
  /** The total to show before the first event says. */
  expectedTotal?: number;
  onCancel: () => void;
  /** Its width, where its container doesn't set one. */
  w?: number;
}

/** A long call under way: how far it is, in a bar and in words, and a way to stop it. */
export function LongCallProgress({
  label,
  progress,
  expectedTotal,
  onCancel,
  w,
}: LongCallProgressProps) {
  const total = progress?.total ?? expectedTotal;
  const done = progress?.done ?? 0;
  // Without a total the bar can't fill, so it shows movement instead.
  const percent = total ? (done / total) * 100 : 100;
  return (
    <Stack gap={4} w={w}>
      <Progress value={percent} aria-label={label} animated striped={!total} />
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" aria-live="polite">
          {progress?.message ?? 'Starting…'} ({total ? `${done} of ${total}` : done})
        </Text>
        <Button size="xs" variant="default" onClick={onCancel}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
