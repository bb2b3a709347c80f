import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The renderer built from the working tree, for the loopback host the end-to-end tests start. */
    rendererDir: string;
  }
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the renderer from the working tree into a new temporary folder, and returns it. */
export async function buildRendererIntoTemp(): Promise<string> {
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-renderer-'));
  await build({
    configFile: path.join(projectRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: Infinity },
  });
  return outDir;
}

/**
 * Builds the renderer once for the end-to-end project, into a folder of its own: dist/renderer may
 * be serving someone's `npm run web` at the same time, and must not change under it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await buildRendererIntoTemp();
  project.provide('rendererDir', outDir);
  return () => fs.rm(outDir, { recursive: true, force: true });
}
