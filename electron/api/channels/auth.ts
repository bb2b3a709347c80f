import { z } from 'zod';
import { sessionUserSchema, setupInputSchema, signInInputSchema } from '../../../db/schemas/auth';
import { emptyInputSchema } from '../../../db/schemas/common';
import { anyStaff, channel } from '../channel';

const authStateSchema = z.object({
  /** True until the first admin exists: the app shows first-run setup. */
  needsSetup: z.boolean(),
  user: sessionUserSchema.nullable(),
});

export const authChannels = {
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
} as const;
