import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_FROM_PREFIX, checksumOf, MigrationFolder } from '../../db/migration-source';
import { buildElectron } from '../../tools/build-electron';
import { TempFolders } from '../support/temp-folders';

const tempFolders = new TempFolders();
/** Inside the project (test-results/ is ignored by git), so the bundle's npm packages resolve. */
const BUILDS_DIR = fileURLToPath(new URL('../../test-results', import.meta.url));
let outDir: string;

beforeAll(async () => {
  await fs.mkdir(BUILDS_DIR, { recursive: true });
  outDir = await fs.mkdtemp(path.join(BUILDS_DIR, 'electron-build-'));
  await buildElectron(outDir);
}, 60_000);

afterAll(async () => {
  await fs.rm(outDir, { recursive: true, force: true });
  await tempFolders.removeAll();
});

/** The modules a built file loads at run time: `import … from "x"` and `require("x")`. */
async function loadedModules(file: string): Promise<string[]> {
  const code = await fs.readFile(file, 'utf8');
  const specifiers = [
    ...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm),
    ...code.matchAll(/^import\s*"([^"]+)"/gm),
    ...code.matchAll(/\brequire\("([^"]+)"\)/g),
  ].map((match) => match[1] ?? '');
  return [...new Set(specifiers)].sort();
}

describe('the build Electron runs', () => {
  it('compiles every migration, each standing for the checksum of its TypeScript source', async () => {
    const sources = await new MigrationFolder().list();
    const built = await new MigrationFolder(path.join(outDir, 'migrations')).list();
    expect(built.files.map(({ name, checksum }) => ({ name, checksum }))).toEqual(
      sources.files.map(({ name, checksum }) => ({ name, checksum })),
    );
    expect(built.files.every((file) => file.path.endsWith('.js'))).toBe(true);
  });

  it("compiles migrations that Node's own module loader imports, up and down included", async () => {
    const built = await new MigrationFolder(path.join(outDir, 'migrations')).list();
    for (const file of built.files) {
      const migration = (await import(pathToFileURL(file.path).href)) as Record<string, unknown>;
      expect([typeof migration.up, typeof migration.down], file.name).toEqual([
        'function',
        'function',
      ]);
    }
  });

  it('bundles the preload into one script that needs nothing but Electron', async () => {
    expect(await loadedModules(path.join(outDir, 'electron', 'preload.cjs'))).toEqual(['electron']);
  });

  it('bundles the main process, loading only npm packages and Node.js modules at run time', async () => {
    const modules = await loadedModules(path.join(outDir, 'electron', 'main.js'));
    expect(modules).toContain('electron');
    expect(modules.filter((name) => name.startsWith('.') || name.endsWith('.ts'))).toEqual([]);
  });

  it("bundles a main process whose imports all resolve in Node's own ES module loader", async () => {
    // Electron's loader is Node's: a named import a CommonJS package doesn't expose fails there,
    // though tsx lets it pass. Electron itself is stood in for by a stub that ends the run early.
    const main = await fs.readFile(path.join(outDir, 'electron', 'main.js'), 'utf8');
    const stub = path.join(outDir, 'electron', 'electron-stub.mjs');
    await fs.writeFile(
      stub,
      `const noop = () => undefined;
export const app = { enableSandbox: noop, on: noop, requestSingleInstanceLock: () => false, quit: () => console.log('quit') };
export const protocol = { registerSchemesAsPrivileged: noop };
export const dialog = {}, ipcMain = {}, safeStorage = {}, session = {}, shell = {}, BrowserWindow = class {};
`,
    );
    const linked = path.join(outDir, 'electron', 'main-with-stub.mjs');
    await fs.writeFile(linked, main.replaceAll('from "electron"', 'from "./electron-stub.mjs"'));
    const { stdout } = await promisify(execFile)(process.execPath, [linked]);
    expect(stdout.trim()).toBe('quit');
  });
});

describe('the checksum a migration file stands for', () => {
  it('is its own when its first line claims a checksum that is not one', async () => {
    const dir = await tempFolders.make('lms-built-migration');
    const content = `${BUILT_FROM_PREFIX}not-a-checksum\nexport async function up() {}\nexport async function down() {}\n`;
    await fs.writeFile(path.join(dir, '0001_forged.js'), content);
    const [file] = (await new MigrationFolder(dir).list()).files;
    expect(file?.checksum).toBe(checksumOf(content));
  });
});
