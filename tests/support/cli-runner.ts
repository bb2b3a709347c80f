import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../db/lms-admin.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a run of `lms-admin` did. */
export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node db/lms-admin.mjs …args` as its own process, the way a person would. The database
 * comes only from `env` (and the args): DATABASE_URL and LMS_DATA_DIR of the test run itself are
 * not inherited, so a test can't touch a server it didn't name. Stdin is `stdin` when given, else
 * empty; never a terminal.
 */
export async function runCli(
  args: readonly string[],
  env: { LMS_DATA_DIR?: string; DATABASE_URL?: string } = {},
  stdin?: string,
): Promise<CliResult> {
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  delete inherited.LMS_DATA_DIR;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A command that stops before reading stdin closes it (EPIPE): its exit code tells the story.
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { exitCode, stdout, stderr };
}
