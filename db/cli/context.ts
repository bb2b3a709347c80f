import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { openDatabaseTarget, type DatabaseTarget } from '../database-target';

/** Options every command accepts, set on the root program. */
export interface GlobalOptions {
  databaseUrl?: string;
  profile?: string;
  verbose?: boolean;
}

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs `work` against the chosen database, releasing it (stopping an embedded server we started) after. */
export async function withDatabaseTarget<T>(
  command: Command,
  work: (target: DatabaseTarget) => Promise<T>,
): Promise<T> {
  const { databaseUrl, profile } = command.optsWithGlobals<GlobalOptions>();
  const target = await openDatabaseTarget({ databaseUrl, profile });
  try {
    return await work(target);
  } finally {
    await target.release();
  }
}

/** A commander argument parser from a zod schema: a bad flag value is one clear line, exit 1. */
export function parseWith<T>(schema: z.ZodType<T>): (value: string) => T {
  return (value) => {
    const result = schema.safeParse(value);
    if (!result.success)
      throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'invalid value');
    return result.data;
  };
}

/** A whole number ≥ `min`, given as a flag. */
export const wholeNumber = (min: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int({ message: 'expected a whole number' })
    .min(min, { message: `expected a whole number of at least ${min}` });
