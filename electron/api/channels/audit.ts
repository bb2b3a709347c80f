import {
  auditAsOfInputSchema,
  auditAsOfSchema,
  auditDiffInputSchema,
  auditDiffSchema,
  auditEntryRefSchema,
  auditEntrySchema,
  auditExportPartInputSchema,
  auditExportPartSchema,
  auditPageSchema,
  auditTransactionInputSchema,
  auditTransactionSchema,
  listAuditInputSchema,
  revertChangeInputSchema,
  revertResultSchema,
  revertTransactionInputSchema,
  undeleteInputSchema,
} from '../../../db/schemas/audit';
import { adminOnly, adminOrSupport, channel } from '../channel';

/**
 * The audit history: support and admins read it (who changed what, when, from where); only
 * admins revert. Instructors have no access: the history of a course shows other people's data.
 */
export const auditChannels = {
  'audit.list': channel({
    input: listAuditInputSchema,
    output: auditPageSchema,
    roles: adminOrSupport,
  }),
  'audit.get': channel({
    input: auditEntryRefSchema,
    output: auditEntrySchema,
    roles: adminOrSupport,
  }),
  'audit.diff': channel({
    input: auditDiffInputSchema,
    output: auditDiffSchema,
    roles: adminOrSupport,
  }),
  'audit.asOf': channel({
    input: auditAsOfInputSchema,
    output: auditAsOfSchema,
    roles: adminOrSupport,
  }),
  'audit.transaction': channel({
    input: auditTransactionInputSchema,
    output: auditTransactionSchema,
    roles: adminOrSupport,
  }),
  /**
   * One part of an export of a filtered history (CSV or JSON), a few megabytes: call again with
   * its nextCursor until that is null, appending each part's text. Any length, never whole in
   * memory; each part reports progress (done of total) and can be cancelled.
   */
  'audit.export': channel({
    input: auditExportPartInputSchema,
    output: auditExportPartSchema,
    roles: adminOrSupport,
    isLong: true,
  }),
  /** Reverts one change as a new change; CONFLICT when the record changed since, unless choices say. */
  'audit.revert': channel({
    input: revertChangeInputSchema,
    output: revertResultSchema,
    roles: adminOnly,
  }),
  'audit.revertTransaction': channel({
    input: revertTransactionInputSchema,
    output: revertResultSchema,
    roles: adminOnly,
  }),
  'audit.undelete': channel({
    input: undeleteInputSchema,
    output: revertResultSchema,
    roles: adminOnly,
  }),
} as const;
