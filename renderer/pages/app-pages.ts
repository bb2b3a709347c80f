import type { ComponentType } from 'react';
import type { SessionUser } from '../hooks/use-session';
import { AuditPage } from './audit-page';
import { ConnectionsPage } from './connections-page';
import { CoursesPage } from './courses-page';
import { MigrationsPage } from './migrations-page';
import { QuestionBankPage } from './question-bank-page';
import { SyncPage } from './sync-page';
import { UsersPage } from './users-page';

/** What a page is given: who is signed in, and whether they may change anything. */
export interface PageProps {
  user: SessionUser;
  /** Support staff read everything and change nothing. */
  isReadOnly: boolean;
  /**
   * What follows the page's own path: `''` on the page itself, `'/3f2c…'` on `#/users/3f2c…`.
   * A page shows one record (its detail view) from it, so detail views need no routes of their own.
   */
  subPath: string;
}

/** A page of the signed-in app, and the roles that see it in the navigation. */
export interface AppPage {
  path: string;
  label: string;
  roles: readonly SessionUser['role'][];
  /** Roles that land on this page after sign-in: it leads their navigation. */
  firstFor?: readonly SessionUser['role'][];
  component: ComponentType<PageProps>;
}

/** The navigation, in order; a role sees only its pages, and the first of them on arrival. */
export const appPages: readonly AppPage[] = [
  { path: '/users', label: 'Users', roles: ['admin', 'support'], component: UsersPage },
  {
    path: '/courses',
    label: 'Courses',
    roles: ['admin', 'instructor', 'support'],
    component: CoursesPage,
  },
  {
    path: '/questions',
    label: 'Question bank',
    roles: ['admin', 'instructor', 'support'],
    component: QuestionBankPage,
  },
  {
    path: '/audit',
    label: 'Audit history',
    roles: ['admin', 'support'],
    firstFor: ['support'],
    component: AuditPage,
  },
  { path: '/migrations', label: 'Migrations', roles: ['admin'], component: MigrationsPage },
  { path: '/connections', label: 'Connections', roles: ['admin'], component: ConnectionsPage },
  { path: '/sync', label: 'Sync', roles: ['admin'], component: SyncPage },
];

export function pagesFor(role: SessionUser['role']): AppPage[] {
  const pages = appPages.filter((page) => page.roles.includes(role));
  const isFirst = (page: AppPage): boolean => page.firstFor?.includes(role) ?? false;
  return [...pages.filter(isFirst), ...pages.filter((page) => !isFirst(page))];
}

/** The page an address belongs to (`/users/3f2c…` is the users page), and what follows its path. */
export function pageAt(
  pages: readonly AppPage[],
  path: string,
): { page: AppPage; subPath: string } | undefined {
  for (const page of pages) {
    if (path === page.path || path.startsWith(`${page.path}/`)) {
      return { page, subPath: path.slice(page.path.length) };
    }
  }
  return undefined;
}
