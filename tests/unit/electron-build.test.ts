import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_FROM_PREFIX, checksumOf, MigrationFolder } from '../../db/migration-source';
import { buildElectron } from '../../tools/build-electron';
import { TempFolders } from '../support/temp-folders';

const tempFolders = new TempFolders();
let outDir: string;

beforeAll(async () => {
  outDir = await tempFolders.make('lms-electron-build');
  await buildElectron(outDir);
}, 60_000);

afterAll(() => tempFolders.removeAll());

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

  it('bundles the preload into one script that needs nothing but Electron', async () => {
    expect(await loadedModules(path.join(outDir, 'electron', 'preload.cjs'))).toEqual(['electron']);
  });

  it('bundles the main process, loading only npm packages and Node.js modules at run time', async () => {
    const modules = await loadedModules(path.join(outDir, 'electron', 'main.js'));
    expect(modules).toContain('electron');
    expect(modules.filter((name) => name.startsWith('.') || name.endsWith('.ts'))).toEqual([]);
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
