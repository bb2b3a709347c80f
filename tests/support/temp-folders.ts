import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'vitest';

/**
 * Temporary folders under os.tmpdir() for one test file, removed together: a test makes as many
 * as it needs and `removeAll` (in afterEach) leaves nothing behind, even when the test failed.
 */
export class TempFolders {
  private readonly made: string[] = [];

  /** A new empty folder whose name starts with `prefix`. */
  async make(prefix: string): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
    this.made.push(dir);
    return dir;
  }

  async removeAll(): Promise<void> {
    const dirs = this.made.splice(0);
    await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  }
}

/** A temporary folder for one test, removed when that test finishes; safe in concurrent tests. */
export async function tempFolderFor(
  test: Pick<TestContext, 'onTestFinished'>,
  prefix: string,
): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  test.onTestFinished(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}
