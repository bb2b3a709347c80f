import { Paper, Stack, Text } from '@mantine/core';
import { useId, useRef, useState, type DragEvent, type ReactNode } from 'react';

interface FileDropZoneProps {
  /** The file chooser's label: "CSV file". */
  label: string;
  /** What to do, in a sentence: "Drop a CSV file here, or choose one:". */
  prompt: string;
  /** The chooser's `accept`: extensions and MIME types. */
  accept: string;
  disabled?: boolean;
  /** A file chosen or dropped; undefined when the chooser was cancelled. */
  onFile: (file: File | undefined) => void;
  /** Shown under the chooser: what was chosen. */
  children?: ReactNode;
}

/** A labelled file chooser that also takes a file dropped anywhere on it. */
export function FileDropZone({
  label,
  prompt,
  accept,
  disabled = false,
  onFile,
  children,
}: FileDropZoneProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [isDragging, setIsDragging] = useState(false);

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setIsDragging(false);
    if (disabled) return;
    // The chooser then names the dropped file too, as if it had been chosen there.
    if (input.current) input.current.files = event.dataTransfer.files;
    onFile(event.dataTransfer.files[0]);
  };

  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      onDragOver={(event) => {
        event.preventDefault();
        setIsDragging(true);
      }}
      onDragLeave={() => setIsDragging(false)}
      onDrop={onDrop}
      bg={isDragging ? 'indigo.0' : undefined}
      style={{ borderStyle: 'dashed' }}
    >
      <Stack gap="xs" align="center">
        <Text size="sm">{prompt}</Text>
        <label htmlFor={inputId}>
          <Text size="sm" fw={600}>
            {label}
          </Text>
        </label>
        <input
          id={inputId}
          ref={input}
          type="file"
          accept={accept}
          disabled={disabled}
          onClick={(event) => {
            // Choosing the same (fixed) file again must read it again.
            event.currentTarget.value = '';
          }}
          onChange={(event) => onFile(event.currentTarget.files?.[0])}
        />
        {children}
      </Stack>
    </Paper>
  );
}
