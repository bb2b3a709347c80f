import { Button, Menu, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { auditExportFormats } from '../../db/schemas/audit';
import { request } from '../api';
import { downloadText } from '../download';
import type { AuditFilter } from '../hooks/use-audit';
import { useLongCall, type LongCallHooks } from '../hooks/use-long-call';
import { ErrorAlert } from './error-alert';
import { LongCallProgress } from './long-call-progress';

type AuditExportFormat = (typeof auditExportFormats)[number];

const FILE_TYPES: Record<AuditExportFormat, { name: string; type: string }> = {
  csv: { name: 'audit-history.csv', type: 'text/csv;charset=utf-8' },
  json: { name: 'audit-history.json', type: 'application/json' },
};

/**
 * Reads a whole export part by part (each a few MB, the API's unit) and hands it over as one
 * file only once every part is in: a cancelled or failed export saves nothing.
 */
async function readExport(
  { filter, format }: { filter: AuditFilter; format: AuditExportFormat },
  hooks: LongCallHooks,
): Promise<{ parts: string[]; rows: number; format: AuditExportFormat }> {
  const parts: string[] = [];
  let cursor: string | undefined;
  let rows: number;
  do {
    const part = await request(
      'audit.export',
      { filter, format, ...(cursor !== undefined && { cursor }) },
      hooks,
    );
    parts.push(part.text);
    rows = part.done;
    cursor = part.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { parts, rows, format };
}

/** Exports the changes the filter selects (all of them, not only the page shown) as CSV or JSON. */
export function ExportAuditButton({ filter }: { filter: AuditFilter }) {
  const exportAudit = useLongCall(readExport, {
    onSuccess: ({ parts, rows, format }) => {
      const file = FILE_TYPES[format];
      downloadText(parts.join(''), file.name, file.type);
      notifications.show({
        title: 'Audit history exported',
        message: `${rows} ${rows === 1 ? 'change' : 'changes'} saved to ${file.name}.`,
      });
    },
  });

  return (
    <Stack gap="xs" align="flex-end">
      {exportAudit.isPending ? (
        <LongCallProgress
          w={320}
          label="Export progress"
          progress={exportAudit.progress}
          onCancel={exportAudit.cancel}
        />
      ) : (
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="default">Export…</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>The changes shown, every page</Menu.Label>
            <Menu.Item onClick={() => exportAudit.mutate({ filter, format: 'csv' })}>
              Export as CSV
            </Menu.Item>
            <Menu.Item onClick={() => exportAudit.mutate({ filter, format: 'json' })}>
              Export as JSON
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
      {exportAudit.isError && (
        <ErrorAlert title="Couldn't export the audit history" error={exportAudit.error} />
      )}
    </Stack>
  );
}
