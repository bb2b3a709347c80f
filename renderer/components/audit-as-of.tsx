import { Code, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useAuditAsOf, type AuditRecordRef } from '../hooks/use-audit';
import { ErrorAlert } from './error-alert';

/** A record as it was at a moment the person types, deleted or not, from its history. */
export function AuditAsOf({
  record,
  label = 'As of',
}: {
  record: AuditRecordRef;
  /** The field's label, where another as-of field may share the screen. */
  label?: string;
}) {
  const [asOfText, setAsOfText] = useState('');
  const asOfDate = asOfText.trim() === '' ? null : new Date(asOfText);
  const isAsOfValid = asOfDate !== null && !Number.isNaN(asOfDate.getTime());
  const asOf = useAuditAsOf(record, isAsOfValid ? asOfDate : null);
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <TextInput
          label={label}
          description="The record at a moment, e.g. 2026-11-25 09:30"
          value={asOfText}
          onChange={(event) => setAsOfText(event.currentTarget.value)}
          error={asOfText.trim() !== '' && !isAsOfValid ? 'Not a date and time' : undefined}
          w={260}
        />
      </Group>
      {asOf.isError && (
        <ErrorAlert title="Couldn't load the record as of then" error={asOf.error} />
      )}
      {asOf.data && (
        <Stack gap={4} aria-label={`${label}: the record then`}>
          <Text size="sm">
            {asOf.data.entry === null
              ? 'The history has nothing on this record at or before then.'
              : asOf.data.isDeleted
                ? `Deleted then (by change #${asOf.data.entry.seq}).`
                : `As change #${asOf.data.entry.seq} left it${asOf.data.existsNow ? '' : ' (it does not exist now)'}:`}
          </Text>
          {asOf.data.state && <Code block>{JSON.stringify(asOf.data.state, null, 2)}</Code>}
        </Stack>
      )}
    </Stack>
  );
}
