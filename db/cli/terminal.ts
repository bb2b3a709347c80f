import fs from 'node:fs/promises';
import readline from 'node:readline/promises';
import { UserFacingError } from '../user-facing-error';
import type { CliOutput } from './context';

/** All of stdin, as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How messages name a file given on the command line, where `-` is stdin. */
export function fileName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

/** The text of a file named on the command line, or of stdin for `-`. */
export async function readTextInput(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserFacingError(
      code === 'ENOENT'
        ? `There is no file "${file}": check the path.`
        : `Can't read "${file}" (${code ?? String(error)}).`,
    );
  }
}

/**
 * The password piped to stdin, without the line end `echo` adds. Never read from a terminal:
 * it would show on screen as it is typed.
 */
export async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UserFacingError(
      `--password-stdin reads the password from a pipe, not from the terminal (where it would show): printf '%s\\n' "$PASSWORD" | lms-admin users create …`,
    );
  }
  return (await readStdin()).replace(/\r?\n$/, '');
}

/**
 * Goes on only when `--yes` was given or the person at the terminal answers yes. Without a
 * terminal (a script, a pipe) nobody can be asked, so it refuses rather than guess.
 */
export async function confirm(
  action: string,
  options: { isConfirmed: boolean | undefined },
): Promise<void> {
  if (options.isConfirmed) return;
  if (!process.stdin.isTTY) {
    throw new UserFacingError(
      `Not going to ${action} without confirmation, and stdin is not a terminal to ask on: run again with --yes.`,
    );
  }
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Really ${action}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new UserFacingError('Cancelled: nothing was changed.');
  } finally {
    prompt.close();
  }
}

/** Rows as aligned columns for people to read (`--json` is for programs). */
export function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  '),
  );
}

/** `n things`, or `1 thing`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

/**
 * Where a command's notes for people go (what a delete takes with it, say): stdout, or stderr
 * under `--json`, so the person who is asked still sees them and the JSON reader gets only JSON.
 */
export function notesFor(output: CliOutput, isJson: boolean | undefined): (line: string) => void {
  return (line) => (isJson ? output.err(line) : output.out(line));
}

/** What a command prints as `--json`: the API's own shape, dates as ISO strings. */
export function asJson(data: unknown): string {
  return JSON.stringify(data, null, 2);
}
