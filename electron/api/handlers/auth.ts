import { needsSetup, setupFirstAdmin, signIn } from '../../../db/services/auth';
import { actorOf, type HandlerTable } from './handler';

export const authHandlers: HandlerTable<
  'auth.state' | 'auth.setup' | 'auth.signIn' | 'auth.signOut' | 'auth.me'
> = {
  'auth.state': async (_input, { db, transaction, actor }) => ({
    needsSetup: await needsSetup(db, transaction),
    user: actor,
  }),
  'auth.setup': (input, { db, transaction }) => setupFirstAdmin(db, input, transaction),
  'auth.signIn': (input, { db, transaction, ip, throttle }) =>
    signIn(db, { ...input, ip }, throttle, transaction),
  'auth.signOut': async () => ({}),
  'auth.me': async (_input, context) => actorOf(context),
};
