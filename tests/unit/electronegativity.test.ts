import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TempFolders } from '../support/temp-folders';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const tempFolders = new TempFolders();
afterAll(() => tempFolders.removeAll());

/** Runs `npm run lint:electron` over a folder holding `main.js`; its exit code and output. */
async function lintElectron(mainJs: string): Promise<{ code: number; output: string }> {
  const dir = await tempFolders.make('lms-electronegativity');
  await fs.writeFile(path.join(dir, 'main.js'), mainJs);
  const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
  try {
    const { stdout, stderr } = await promisify(execFile)(
      tsx,
      [path.join(projectRoot, 'tools', 'electronegativity.ts'), dir],
      { cwd: projectRoot },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('the Electronegativity gate in npm test', () => {
  it('fails a window without isolation, sandbox or navigation limits, naming the checks', async () => {
    const { code, output } = await lintElectron(`
      const { BrowserWindow } = require('electron');
      const window = new BrowserWindow({
        webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false },
      });
      window.loadURL('https://example.com/');
    `);
    expect(code).toBe(1);
    expect(output).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(output).toContain('SANDBOX_JS_CHECK');
    expect(output).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK');
  }, 60_000);
});
