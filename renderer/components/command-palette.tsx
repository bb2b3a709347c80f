import { VisuallyHidden } from '@mantine/core';
import { Spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { navigate } from '../hooks/use-hash-path';
import { useRegisteredPageCommands } from '../hooks/use-page-commands';
import type { AppPage } from '../pages/app-pages';

interface CommandPaletteProps {
  /** The pages the signed-in role has. */
  pages: readonly AppPage[];
  onSignOut: () => void;
}

/** Ctrl/Cmd+K: every page, the commands of the page on screen, found by typing a few letters. */
export function CommandPalette({ pages, onSignOut }: CommandPaletteProps) {
  const pageCommands = useRegisteredPageCommands();
  const actions: SpotlightActionData[] = [
    ...pages.map((page) => ({
      id: page.path,
      label: `Go to ${page.label}`,
      onClick: () => navigate(page.path),
    })),
    ...pageCommands,
    { id: 'sign-out', label: 'Sign out', onClick: onSignOut },
  ];
  return (
    <Spotlight
      actions={actions}
      // The dialog's accessible name; sighted people have the search box's placeholder.
      title={<VisuallyHidden>Commands</VisuallyHidden>}
      shortcut="mod + K"
      // Also from a search box: that is where a person often is when they want to go elsewhere.
      tagsToIgnore={[]}
      nothingFound="No command matches; try a page name, such as Courses."
      highlightQuery
      searchProps={{ placeholder: 'Go to a page or run a command…', 'aria-label': 'Command' }}
    />
  );
}
