/**
 * Builds what Electron runs, since it runs JavaScript and not TypeScript (`npm run build` runs it
 * after the renderer's build):
 * - `electron/main.js`: the main process as one ES module; npm packages stay imports, loaded from
 *   node_modules (electron-builder packs the production dependencies).
 * - `electron/preload.cjs`: the preload as one CommonJS script, zod and the contract inside it,
 *   because a sandboxed preload can `require` nothing but Electron's own modules.
 * - `migrations/NNNN_name.js`: each migration, its first line naming its source's checksum
 *   (`BUILT_FROM_PREFIX`), so the app and the CLI agree on what was applied.
 */
import { build } from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_FROM_PREFIX, MigrationFolder } from '../db/migration-source';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** Older than the Node.js inside Electron 41 (24), so nothing is emitted that it can't run. */
const NODE_TARGET = 'node20';

/** Builds the main process, the preload and the migrations into `outDir` (dist by default). */
export async function buildElectron(
  outDir: string = path.join(projectRoot, 'dist'),
): Promise<void> {
  const electronDir = path.join(outDir, 'electron');
  const migrationsDir = path.join(outDir, 'migrations');
  await fs.rm(electronDir, { recursive: true, force: true });
  await fs.rm(migrationsDir, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: projectRoot,
  } as const;
  const { files } = await new MigrationFolder().list();
  await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(projectRoot, 'electron', 'main.ts')],
      outfile: path.join(electronDir, 'main.js'),
      format: 'esm',
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: [path.join(projectRoot, 'electron', 'preload.ts')],
      outfile: path.join(electronDir, 'preload.cjs'),
      format: 'cjs',
      external: ['electron'],
    }),
    ...files.map((file) =>
      build({
        ...common,
        entryPoints: [file.path],
        outfile: path.join(migrationsDir, `${file.name}.js`),
        format: 'esm',
        packages: 'external',
        sourcemap: false,
        banner: { js: `${BUILT_FROM_PREFIX}${file.checksum}` },
      }),
    ),
  ]);
  // Built files are read back as the sources they came from: check the promise holds.
  const built = await new MigrationFolder(migrationsDir).list();
  const mismatch = built.files.find(
    (file, index) => file.checksum !== files[index]?.checksum || file.name !== files[index]?.name,
  );
  if (mismatch || built.files.length !== files.length) {
    throw new Error(
      `The built migrations in ${migrationsDir} don't match their sources (${mismatch?.name ?? 'count differs'}).`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildElectron().then(
    () => console.log('Built the Electron main process, preload and migrations into dist/.'),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
