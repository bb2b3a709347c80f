import type { SpotlightActionData } from '@mantine/spotlight';
import { useEffect, useSyncExternalStore } from 'react';

/*
 * Commands a page adds to the command palette while it is on screen ("New course", "Publish this
 * course"): the palette lists them after the pages, and they leave with the page that added them.
 */

type Listener = () => void;

const registered = new Map<symbol, readonly SpotlightActionData[]>();
const listeners = new Set<Listener>();
let snapshot: readonly SpotlightActionData[] = [];

function publish(): void {
  snapshot = [...registered.values()].flat();
  for (const listener of listeners) listener();
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Adds `commands` to the palette while the calling component is mounted (pass a memoized list). */
export function usePageCommands(commands: readonly SpotlightActionData[]): void {
  useEffect(() => {
    const key = Symbol('page commands');
    registered.set(key, commands);
    publish();
    return () => {
      registered.delete(key);
      publish();
    };
  }, [commands]);
}

/** Every command the pages on screen have added, for the palette. */
export function useRegisteredPageCommands(): readonly SpotlightActionData[] {
  return useSyncExternalStore(subscribe, () => snapshot);
}
