/**
 * The API contract: every channel the renderer, the IPC binding, the loopback host and the CLI
 * can call, with its input and output schemas and the roles that may call it. Reading this table
 * tells everything the UI can ask for. It imports only zod and schema modules, so the renderer
 * bundles it without Sequelize or Node.
 */
import { z } from 'zod';
import { sessionUserSchema, setupInputSchema, signInInputSchema } from '../../db/schemas/auth';
import { emptyInputSchema } from '../../db/schemas/common';
import {
  createUserInputSchema,
  listUsersInputSchema,
  updateUserInputSchema,
  userDeletePreviewSchema,
  userDetailSchema,
  userPageSchema,
  userRefInputSchema,
  versionedUserRefInputSchema,
} from '../../db/schemas/users';
import { adminOnly, adminOrSupport, anyStaff, channel } from './channel';

const authStateSchema = z.object({
  /** True until the first admin exists: the app shows first-run setup. */
  needsSetup: z.boolean(),
  user: sessionUserSchema.nullable(),
});

export const contract = {
  'auth.state': channel({ input: emptyInputSchema, output: authStateSchema, roles: 'anonymous' }),
  'auth.setup': channel({
    input: setupInputSchema,
    output: sessionUserSchema,
    roles: 'anonymous',
    session: 'start',
  }),
  'auth.signIn': channel({
    input: signInInputSchema,
    output: sessionUserSchema,
    roles: 'anonymous',
    session: 'start',
  }),
  'auth.signOut': channel({
    input: emptyInputSchema,
    output: z.object({}),
    roles: 'anonymous',
    session: 'end',
  }),
  'auth.me': channel({ input: emptyInputSchema, output: sessionUserSchema, roles: anyStaff }),

  'users.list': channel({ input: listUsersInputSchema, output: userPageSchema, roles: anyStaff }),
  'users.get': channel({
    input: userRefInputSchema,
    output: userDetailSchema,
    roles: adminOrSupport,
  }),
  'users.create': channel({
    input: createUserInputSchema,
    output: userDetailSchema,
    roles: adminOnly,
  }),
  'users.update': channel({
    input: updateUserInputSchema,
    output: userDetailSchema,
    roles: adminOnly,
  }),
  'users.deactivate': channel({
    input: versionedUserRefInputSchema,
    output: userDetailSchema,
    roles: adminOnly,
  }),
  'users.deletePreview': channel({
    input: userRefInputSchema,
    output: userDeletePreviewSchema,
    roles: adminOnly,
  }),
  'users.delete': channel({
    input: versionedUserRefInputSchema,
    output: userDeletePreviewSchema,
    roles: adminOnly,
  }),
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const channels = Object.keys(contract) as Channel[];

/** What a caller sends (before parsing: defaults may be left out). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What a caller gets back (after parsing: dates are Dates). */
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(contract, name);
}

export * from './channel';
