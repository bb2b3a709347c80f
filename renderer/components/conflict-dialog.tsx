import { Alert, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';

/** One field the person edited, as the dialog names it and shows its value. */
export interface ConflictField<T> {
  name: keyof T & string;
  label: string;
  /** The value in words; by default text as is, `null`/empty as "(empty)", booleans as Yes/No. */
  format?: (value: T[keyof T & string]) => string;
}

/** Which version of a field the person keeps. */
type Side = 'mine' | 'theirs';

/** What the dialog resolves to: the values to send again, and the version that retry must carry. */
export interface ConflictResolution<T> {
  values: Pick<T, keyof T & string>;
  version: number;
}

interface ConflictDialogProps<T extends object> {
  opened: boolean;
  /** What was being saved, for the title: "course". */
  what: string;
  /** The person's edited values (the form as they left it). */
  draft: T;
  /** The row as it is on the server now (the CONFLICT error's `current`). */
  current: T & { version: number };
  /**
   * The row as the person loaded it, when known: a field they left alone but someone else changed
   * then starts on the other person's side, so resolving never undoes another's work by default.
   */
  base?: T;
  fields: readonly ConflictField<T>[];
  /** Called with the merged values and the server's version: sending them passes the version check. */
  onResolve: (resolution: ConflictResolution<T>) => void;
  /** Closing without choosing keeps the person's draft where it was (nothing is sent or lost). */
  onCancel: () => void;
}

function defaultFormat(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function isSame(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Shown when a save met CONFLICT: someone else saved first. Every field that differs between the
 * person's draft and the server's row is listed with both versions side by side, and the person
 * picks one per field; fields both agree on need no choice. Nothing is saved until they say so.
 */
export function ConflictDialog<T extends object>({
  opened,
  what,
  draft,
  current,
  base,
  fields,
  onResolve,
  onCancel,
}: ConflictDialogProps<T>) {
  const differing = useMemo(
    () => fields.filter((field) => !isSame(draft[field.name], current[field.name])),
    [fields, draft, current],
  );
  const initialChoices = useMemo(() => {
    const choices: Record<string, Side> = {};
    for (const field of differing) {
      const isUntouchedByMe = base !== undefined && isSame(draft[field.name], base[field.name]);
      choices[field.name] = isUntouchedByMe ? 'theirs' : 'mine';
    }
    return choices;
  }, [differing, draft, base]);
  const [choices, setChoices] = useState(initialChoices);
  useEffect(() => setChoices(initialChoices), [initialChoices]);

  const resolve = (): void => {
    const values: Partial<Pick<T, keyof T & string>> = {};
    for (const field of fields) {
      const side = choices[field.name] ?? 'mine';
      values[field.name] = side === 'mine' ? draft[field.name] : current[field.name];
    }
    onResolve({ values: values as Pick<T, keyof T & string>, version: current.version });
  };

  return (
    <Modal
      opened={opened}
      onClose={onCancel}
      title={`This ${what} was changed meanwhile`}
      size="lg"
    >
      <Stack>
        <Alert color="yellow" title="Someone else saved first">
          Nothing was overwritten. For each field below, keep your version or take theirs, then save
          again. Fields you both left the same need no choice.
        </Alert>
        {differing.length === 0 ? (
          <Text size="sm">
            Their version already holds every value you entered; saving again changes nothing else.
          </Text>
        ) : (
          differing.map((field) => {
            const format = field.format ?? defaultFormat;
            return (
              <Radio.Group
                key={field.name}
                label={field.label}
                value={choices[field.name] ?? 'mine'}
                onChange={(value) =>
                  setChoices((previous) => ({
                    ...previous,
                    [field.name]: value === 'theirs' ? 'theirs' : 'mine',
                  }))
                }
              >
                <Stack gap="xs" mt="xs">
                  <Radio
                    value="mine"
                    label="Keep yours"
                    description={format(draft[field.name])}
                    styles={{ description: { whiteSpace: 'pre-wrap' } }}
                  />
                  <Radio
                    value="theirs"
                    label="Take theirs"
                    description={format(current[field.name])}
                    styles={{ description: { whiteSpace: 'pre-wrap' } }}
                  />
                </Stack>
              </Radio.Group>
            );
          })
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Back to my edits
          </Button>
          <Button onClick={resolve}>Save the chosen values</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
