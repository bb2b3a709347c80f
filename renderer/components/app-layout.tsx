import { AppShell, Badge, Button, Group, Kbd, NavLink, Stack, Text } from '@mantine/core';
import { useOs } from '@mantine/hooks';
import { spotlight } from '@mantine/spotlight';
import { useEffect } from 'react';
import { hrefOf, navigate, useHashPath } from '../hooks/use-hash-path';
import { useSignOut, type SessionUser } from '../hooks/use-session';
import { pageAt, pagesFor } from '../pages/app-pages';
import { CommandPalette } from './command-palette';
import { ErrorAlert } from './error-alert';
import { SyncIndicator } from './sync-indicator';

const ROLE_LABELS: Record<SessionUser['role'], string> = {
  admin: 'Admin',
  instructor: 'Instructor',
  support: 'Support (read-only)',
};

/** The signed-in app: who is signed in and sign-out on top, the role's pages on the left. */
export function AppLayout({ user }: { user: SessionUser }) {
  const path = useHashPath();
  const signOut = useSignOut();
  const os = useOs();
  const pages = pagesFor(user.role);
  const match = pageAt(pages, path);
  const current = match?.page;
  const landing = pages[0];

  useEffect(() => {
    // An address this role has no page for (or none at all) lands on the role's first page.
    if (!current && landing) navigate(landing.path, { replace: true });
  }, [current, landing]);

  const Page = match?.page.component;
  return (
    <>
      <CommandPalette pages={pages} onSignOut={() => signOut.mutate()} />
      <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 0 }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            {/* Not a heading: each page's own title is the h1 its headings follow. */}
            <Text fw={700} size="lg">
              LMS Admin
            </Text>
            <Group gap="sm">
              <Button
                variant="subtle"
                size="xs"
                onClick={spotlight.open}
                rightSection={<Kbd size="xs">{os === 'macos' ? '⌘ K' : 'Ctrl K'}</Kbd>}
              >
                Commands
              </Button>
              {user.role === 'admin' && <SyncIndicator />}
              <Text size="sm">{user.fullName}</Text>
              <Badge variant="light">{ROLE_LABELS[user.role]}</Badge>
              <Button
                variant="default"
                size="xs"
                loading={signOut.isPending}
                onClick={() => signOut.mutate()}
              >
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Main">
          {pages.map((page) => (
            <NavLink
              key={page.path}
              href={hrefOf(page.path)}
              label={page.label}
              active={page === current}
              aria-current={page === current ? 'page' : undefined}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
          <Stack flex={1} mih={0}>
            {signOut.isError && <ErrorAlert title="Couldn't sign out" error={signOut.error} />}
            {/* Without a page here, the effect above is already moving to the landing page. */}
            {match && Page && (
              <Page user={user} isReadOnly={user.role === 'support'} subPath={match.subPath} />
            )}
          </Stack>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
