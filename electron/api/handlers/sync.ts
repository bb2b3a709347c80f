import type { Database } from '../../../db/connection';
import { rawConnectionOf } from '../../../db/connection';
import { listConflictPage } from '../../../db/services/sync/conflicts';
import { parseDatabaseUrl, passwordOf } from '../../../db/database-url';
import { ServiceError } from '../../../db/services/service-error';
import { linkToCentral, previewLink } from '../../../db/services/sync/link';
import { pullChanges } from '../../../db/services/sync/pull';
import { pushChanges } from '../../../db/services/sync/push';
import {
  forgetCentralPassword,
  rememberCentralPassword,
} from '../../../db/services/sync/remembered-password';
import { resolveConflict } from '../../../db/services/sync/resolve';
import { getSyncStatus } from '../../../db/services/sync/status';
import { unlinkFromCentral } from '../../../db/services/sync/unlink';
import { actorOf, type HandlerTable } from './handler';

/**
 * The central server's password, as last typed in this app session: kept in this process's
 * memory only (never sent back), so push and pull don't ask again. Kept across sessions only
 * when the person asks to remember it: then sealed in the link (see `remembered-password.ts`),
 * and used when neither the call nor this session gives one.
 */
const centralPasswords = new WeakMap<Database, string>();

/** The central URL, or a VALIDATION error on its field that says what is wrong with it. */
function urlOf(raw: string): URL {
  try {
    return parseDatabaseUrl(raw);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ServiceError('VALIDATION', message, { fields: { url: message } });
  }
}

/** The password to use: the one given now (remembered), else the remembered one. */
function passwordFor(db: Database, given: string | undefined): string | undefined {
  if (given !== undefined) centralPasswords.set(db, given);
  return given ?? centralPasswords.get(db);
}

export const syncHandlers: HandlerTable<
  | 'sync.status'
  | 'sync.link'
  | 'sync.linkPreview'
  | 'sync.push'
  | 'sync.pull'
  | 'sync.unlink'
  | 'sync.rememberPassword'
  | 'sync.forgetPassword'
  | 'sync.conflicts'
  | 'sync.resolve'
> = {
  'sync.status': (input, { db, profiles }) =>
    getSyncStatus(db, {
      checkOnline: input.checkOnline,
      target: { password: passwordFor(db, undefined), secrets: profiles.secrets },
    }),
  'sync.link': (input, { db, profiles, signal, progress }) => {
    const password = passwordFor(db, input.password ?? passwordOf(urlOf(input.url)));
    return linkToCentral(
      db,
      { url: input.url, password },
      { signal, progress },
      { rememberPasswordWith: input.rememberPassword ? profiles.secrets : undefined },
    );
  },
  'sync.linkPreview': (input, { db, signal, progress }) => {
    const password = passwordFor(db, input.password ?? passwordOf(urlOf(input.url)));
    return previewLink(db, { url: input.url, password }, { signal, progress });
  },
  'sync.push': (input, { db, profiles, signal, progress }) =>
    pushChanges(
      db,
      { password: passwordFor(db, input.password), secrets: profiles.secrets },
      { signal, progress },
    ),
  'sync.pull': (input, { db, profiles, signal, progress }) =>
    pullChanges(
      db,
      { password: passwordFor(db, input.password), secrets: profiles.secrets },
      { signal, progress },
    ),
  'sync.unlink': async (_input, { db }) => {
    const result = await unlinkFromCentral(db);
    centralPasswords.delete(db);
    return result;
  },
  'sync.rememberPassword': async (input, { transaction, profiles, db }) => {
    await rememberCentralPassword(rawConnectionOf(transaction), input.password, profiles.secrets);
    passwordFor(db, input.password);
    return {};
  },
  'sync.forgetPassword': (_input, { transaction, db }) => {
    // Forgotten here too: "forget" means the next check asks again, not that this session still knows.
    centralPasswords.delete(db);
    return forgetCentralPassword(rawConnectionOf(transaction));
  },
  'sync.conflicts': (input, { db }) => listConflictPage(db, input),
  'sync.resolve': (input, context) =>
    resolveConflict(rawConnectionOf(context.transaction), input, { actorId: actorOf(context).id }),
};
