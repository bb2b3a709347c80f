import { Anchor } from '@mantine/core';
import { hrefOf } from '../hooks/use-hash-path';
import type { SessionUser } from '../hooks/use-session';

interface RecordHistoryLinkProps {
  /** The record's table, as the audit log names it. */
  table: string;
  recordId: string;
  /** Who is looking: only admins and support read the audit history. */
  role: SessionUser['role'];
}

/** A record's history: the audit page filtered to it (who changed what, when, and revert). */
export function RecordHistoryLink({ table, recordId, role }: RecordHistoryLinkProps) {
  if (role === 'instructor') return null;
  return (
    <Anchor href={hrefOf(`/audit/${table}/${recordId}`)} size="sm">
      History
    </Anchor>
  );
}
