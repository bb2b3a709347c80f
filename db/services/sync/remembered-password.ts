import type pg from 'pg';
import type { SecretBox } from '../../profiles/secret-box';
import { ServiceError } from '../service-error';
import { withCentral } from './central-session';
import { requireLink } from './replica-state';

/**
 * The central server's password, remembered for the link so the status check, push and pull
 * work in later sessions without asking: sealed by the same secret box as connection profiles'
 * passwords (the OS keychain in the desktop app, else a key file only this user may read), kept
 * in `sync_link`, so forgetting the link forgets it. It never leaves the main process.
 */

/** Seals a password for `sync_link.central_password_sealed`. */
export function sealCentralPassword(secrets: SecretBox, password: string): Promise<string> {
  return secrets.encrypt(password);
}

/**
 * Remembers `password` for the linked server (in the caller's transaction), after checking it opens that server (so a typo is
 * refused now, not at the next push): replaces a password remembered before.
 */
export async function rememberCentralPassword(
  local: pg.ClientBase,
  password: string,
  secrets: SecretBox,
): Promise<void> {
  const link = await requireLink(local);
  await withCentral(local, link, { password }, () => Promise.resolve());
  await local.query(`UPDATE sync_link SET central_password_sealed = $1`, [
    await sealCentralPassword(secrets, password),
  ]);
}

/** Forgets the remembered password (in the caller's transaction); says whether there was one. */
export async function forgetCentralPassword(
  local: pg.ClientBase,
): Promise<{ wasRemembered: boolean }> {
  const link = await requireLink(local);
  await local.query(`UPDATE sync_link SET central_password_sealed = NULL`);
  return { wasRemembered: link.sealedPassword !== null };
}

/** The refusal for asking to remember a password that wasn't given. */
export function noPasswordToRemember(): ServiceError {
  return new ServiceError(
    'VALIDATION',
    'There is no password to remember: enter the central server password (or put it in the URL).',
    { fields: { password: 'enter the password to remember it' } },
  );
}
