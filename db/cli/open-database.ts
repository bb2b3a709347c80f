import type { Command } from 'commander';
import type { Transaction } from 'sequelize';
import { ZodError } from 'zod';
import { ChangeSource, Database, type ActorContext } from '../connection';
import type { DatabaseTarget } from '../database-target';
import { translateDatabaseError } from '../services/database-errors';
import { UserFacingError } from '../user-facing-error';
import { withDatabaseTarget } from './context';

/**
 * Who the CLI acts as. It has no sign-in: whoever can reach the database is trusted, and the
 * audit log records the change as made through the CLI by no particular user.
 */
const CLI_ACTOR: ActorContext = { actorId: null, actorIp: null, source: ChangeSource.cli };

/**
 * Runs `work` with a `Database` opened on the command's target (`--database-url`, DATABASE_URL
 * or the embedded server), closing it and releasing the target after. What the services or
 * PostgreSQL refuse comes out as one line a person can act on, as the API would say it.
 */
export async function withDatabase<T>(
  command: Command,
  work: (db: Database, target: DatabaseTarget) => Promise<T>,
): Promise<T> {
  return withDatabaseTarget(command, async (target) => {
    const db = await Database.open(target.url);
    try {
      return await work(db, target);
    } catch (error) {
      throw explained(error);
    } finally {
      await db.close();
    }
  });
}

/** Runs a command's writes in one transaction, recorded in the audit log as the CLI's. */
export function inCliTransaction<T>(
  db: Database,
  work: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  return db.withTransaction(CLI_ACTOR, work);
}

/** The error as the person should read it; anything not explained stays a bug, with its stack. */
function explained(error: unknown): unknown {
  if (error instanceof UserFacingError) return error;
  const refused = translateDatabaseError(error);
  if (refused) return refused;
  if (error instanceof ZodError) {
    const issues = error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`,
    );
    return new UserFacingError(`Not valid: ${issues.join('; ')}.`);
  }
  return error;
}
