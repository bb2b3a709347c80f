/**
 * Which links may leave the app for the person's browser. The window never navigates away from
 * its own page; a link to one of these hosts opens in the browser instead, and any other link
 * does nothing. The list is short on purpose: every host here is one the app itself links to.
 */

/** Hosts whose pages the app links to: PostgreSQL's manual (connection strings, SSL modes). */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['www.postgresql.org'];

/**
 * Whether `url` may be handed to the operating system to open: https only, on a listed host as
 * is (no other port, no user name or password that could disguise the real host).
 */
export function isAllowedExternalLink(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    EXTERNAL_LINK_HOSTS.includes(parsed.hostname)
  );
}
