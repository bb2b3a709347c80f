import { Code, Table, Text } from '@mantine/core';
import type { AuditEntry } from '../hooks/use-audit';

/** Fields every change moves: shown apart, so the diff reads as what a person changed. */
const BOOKKEEPING = new Set(['updated_at', 'version']);

/** The fields a person changed, without the bookkeeping every change moves. */
export function personalFields(fields: readonly string[]): string[] {
  return fields.filter((field) => !BOOKKEEPING.has(field));
}

/** What the audit log keeps of a secret (a password hash): that one was set, never the value. */
const REDACTED = '[redacted]';

function formatValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (value === REDACTED) return '(set; secret, not kept)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The fields of a change with their value before and after, one row each. */
export function AuditFieldDiff({ entry }: { entry: AuditEntry }) {
  const fields =
    entry.action === 'UPDATE'
      ? (entry.changedFields ?? [])
      : Object.keys(entry.after ?? entry.before ?? {});
  const shown = personalFields(fields);
  if (shown.length === 0) {
    return <Text size="sm">Only bookkeeping fields (updated_at, version) changed.</Text>;
  }
  return (
    <Table aria-label={`Fields of change #${entry.seq}`} striped withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Field</Table.Th>
          <Table.Th scope="col">Before</Table.Th>
          <Table.Th scope="col">After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {shown.map((field) => (
          <Table.Tr key={field}>
            <Table.Th scope="row">{field}</Table.Th>
            <Table.Td>
              <Code block={false}>{entry.before ? formatValue(entry.before[field]) : '—'}</Code>
            </Table.Td>
            <Table.Td>
              <Code block={false}>{entry.after ? formatValue(entry.after[field]) : '—'}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
