import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { Database } from '../../../db/connection';
import type { ProfileStore } from '../../../db/profiles/profile-store';
import type { SessionUser } from '../../../db/schemas/auth';
import type { SignInThrottle } from '../../../db/services/sign-in-throttle';
import type { Channel, Contract } from '../contract';

/**
 * What a handler gets besides its parsed input: the database, the call's transaction (none for
 * reads: see `isReadChannel`), and who calls.
 */
export interface HandlerContext<T extends Transaction | undefined = Transaction | undefined> {
  db: Database;
  transaction: T;
  /** The signed-in caller; null only on `anonymous` channels. */
  actor: SessionUser | null;
  ip: string | null;
  throttle: SignInThrottle;
  /** This computer's connection profiles. */
  profiles: ProfileStore;
  /** Aborted when the caller cancels a long call. */
  signal: AbortSignal;
  /** Reports progress of long work. */
  progress(done: number, total?: number, message?: string): void;
}

/** Whether support may call channel C, which makes it a read (see `isReadChannel`). */
type IsRead<C extends Channel> = Contract[C]['roles'] extends readonly (infer Role)[]
  ? 'support' extends Role
    ? true
    : false
  : false;

/** A channel's handler: parsed input in, a value its output schema accepts out. Writes get a transaction. */
export type Handler<C extends Channel> = (
  input: z.output<Contract[C]['input']>,
  context: HandlerContext<IsRead<C> extends true ? undefined : Transaction>,
) => Promise<z.input<Contract[C]['output']>>;

export type HandlerTable<C extends Channel> = { [K in C]: Handler<K> };

/** The caller of a channel that requires a session (the router guarantees one). */
export function actorOf(context: Pick<HandlerContext, 'actor'>): SessionUser {
  if (!context.actor) throw new Error('a signed-in channel ran without an actor');
  return context.actor;
}
