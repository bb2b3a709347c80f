import { useSyncExternalStore } from 'react';

/*
 * Pages are addressed by the URL fragment (`#/users`), not the path. The Electron window loads
 * index.html from a file, where another path is another (missing) file, and its IPC sender check
 * accepts only that file's path; the loopback host serves the same page. A fragment changes
 * neither, survives a reload, and needs no server fallback: a router library would add nothing.
 */

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The page path in the fragment (`#/users` is `/users`); `/` when there is none. */
function currentPath(): string {
  return location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
}

/** The current page path; re-renders when it changes. */
export function useHashPath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** Goes to a page; `replace` keeps the current one out of the back button's history. */
export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (currentPath() === path) return;
  if (replace) {
    history.replaceState(history.state, '', `#${path}`);
    // replaceState fires no event of its own.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = path;
  }
}

/** The `href` of a link to a page. */
export function hrefOf(path: string): string {
  return `#${path}`;
}
