import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { useKeysetList } from './use-keyset-list';

export type AuditEntry = ChannelOutput<'audit.list'>['items'][number];
export type AuditFilter = NonNullable<ChannelInput<'audit.list'>['filter']>;
export type RevertResult = ChannelOutput<'audit.revert'>;

/** A page per request: a screenful of changes and then some. */
const PAGE_SIZE = 50;

/** The history a filter selects, newest change first, a keyset page at a time. */
export function useAuditList(filter: AuditFilter) {
  return useKeysetList(['audit.list', filter], (cursor) =>
    request('audit.list', {
      filter,
      limit: PAGE_SIZE,
      ...(cursor !== null && { cursor }),
    }),
  );
}

/** Names one audited record: its table and id. */
export type AuditRecordRef = Pick<AuditEntry, 'tableName' | 'recordId'>;

/** A record as it was at a moment (null `at`: nothing asked yet). */
export function useAuditAsOf(record: AuditRecordRef, at: Date | null) {
  return useQuery({
    queryKey: ['audit.asOf', record.tableName, record.recordId, at?.toISOString()],
    queryFn: () =>
      request('audit.asOf', {
        tableName: record.tableName,
        recordId: record.recordId,
        at: at ?? new Date(),
      }),
    enabled: at !== null,
  });
}

/** After a revert every list of changes, and any record it touched, may be out of date. */
function useHistoryChanged() {
  const client = useQueryClient();
  return () => client.invalidateQueries();
}

export function useRevertChange() {
  const historyChanged = useHistoryChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'audit.revert'>) => request('audit.revert', input),
    onSuccess: historyChanged,
  });
}

export function useRevertTransaction() {
  const historyChanged = useHistoryChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'audit.revertTransaction'>) =>
      request('audit.revertTransaction', input),
    onSuccess: historyChanged,
  });
}

export function useUndelete() {
  const historyChanged = useHistoryChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'audit.undelete'>) => request('audit.undelete', input),
    onSuccess: historyChanged,
  });
}
