import {
  auditAsOf,
  diffAuditVersions,
  getAuditEntry,
  getAuditTransaction,
  listAudit,
  readAuditExportPart,
} from '../../../db/services/audit';
import { revertChange, revertTransaction, undeleteRecord } from '../../../db/services/audit-revert';
import type { HandlerTable } from './handler';

type AuditChannel =
  | 'audit.list'
  | 'audit.get'
  | 'audit.diff'
  | 'audit.asOf'
  | 'audit.transaction'
  | 'audit.export'
  | 'audit.revert'
  | 'audit.revertTransaction'
  | 'audit.undelete';

export const auditHandlers: HandlerTable<AuditChannel> = {
  'audit.list': (input, { db, transaction }) => listAudit(db, input, transaction),
  'audit.get': (input, { db, transaction }) => getAuditEntry(db, input.seq, transaction),
  'audit.diff': (input, { db, transaction }) => diffAuditVersions(db, input, transaction),
  'audit.asOf': (input, { db, transaction }) => auditAsOf(db, input, transaction),
  'audit.transaction': (input, { db, transaction }) => getAuditTransaction(db, input, transaction),
  'audit.export': (input, { db, transaction, signal, progress }) =>
    readAuditExportPart(db, input, { signal, progress }, transaction),
  // Each runs in the call's transaction, which carries the admin as actor: the revert is logged.
  'audit.revert': (input, { db, transaction }) => revertChange(db, input, transaction),
  'audit.revertTransaction': (input, { db, transaction }) =>
    revertTransaction(db, input, transaction),
  'audit.undelete': (input, { db, transaction }) => undeleteRecord(db, input, transaction),
};
