import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { Database } from '../../../db/connection';
import type { SessionUser } from '../../../db/schemas/auth';
import type { SignInThrottle } from '../../../db/services/sign-in-throttle';
import type { Channel, Contract } from '../contract';

/** What a handler gets besides its parsed input: the database in the call's transaction, and who calls. */
export interface HandlerContext {
  db: Database;
  transaction: Transaction;
  /** The signed-in caller; null only on `anonymous` channels. */
  actor: SessionUser | null;
  ip: string | null;
  throttle: SignInThrottle;
  /** Aborted when the caller cancels a long call. */
  signal: AbortSignal;
  /** Reports progress of long work. */
  progress(done: number, total?: number, message?: string): void;
}

/** A channel's handler: parsed input in, a value its output schema accepts out. */
export type Handler<C extends Channel> = (
  input: z.output<Contract[C]['input']>,
  context: HandlerContext,
) => Promise<z.input<Contract[C]['output']>>;

export type HandlerTable<C extends Channel> = { [K in C]: Handler<K> };

/** The caller of a channel that requires a session (the router guarantees one). */
export function actorOf(context: HandlerContext): SessionUser {
  if (!context.actor) throw new Error('a signed-in channel ran without an actor');
  return context.actor;
}
