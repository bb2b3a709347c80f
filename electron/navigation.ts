/**
 * What the Electron window does when its page tries to go somewhere: stay on the app's page (its
 * fragment routes), hand an allowed link to the browser, or do nothing at all. Decided here, in
 * plain code with its own tests; `window.ts` only applies the verdict.
 */
import { APP_PAGE_URL } from './app-protocol';
import { isAllowedExternalLink } from './external-links';
import { appPageMatcher } from './ipc';

/** `navigate`: the app's own page, let it load. `open-externally`: in the browser, not here. */
export type NavigationVerdict = 'navigate' | 'open-externally' | 'deny';

/** Whether a URL is the app's page (any fragment or query): the only page the window shows. */
export const isAppPage = appPageMatcher(APP_PAGE_URL);

/** The verdict for the window's page trying to go to `url` (a link, a redirect, `window.open`). */
export function navigationVerdict(url: string): NavigationVerdict {
  if (isAppPage(url)) return 'navigate';
  if (isAllowedExternalLink(url)) return 'open-externally';
  return 'deny';
}
