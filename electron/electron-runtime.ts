/**
 * The Electron runtime, for the tools that run or package the app (`npm start`, `npm run dist`,
 * the shell's end-to-end tests). The npm package `electron` fetches its runtime in an install
 * script, which this project doesn't run on install (see `allowScripts`): it is fetched here, on
 * first use, by that same script, and where it can't be, the caller says why.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const electronDir = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));
/** A real download takes a while; a machine without a way to the download fails in well under this. */
const INSTALL_TIMEOUT_MS = 60_000;

/** An installed Electron runtime. */
export interface ElectronRuntime {
  version: string;
  /** The executable. */
  binary: string;
  /** Its folder, as electron-builder's `electronDist` wants it. */
  distDir: string;
}

/** The installed runtime, found as electron's own install.js checks for it; null when absent. */
export function installedElectron(): ElectronRuntime | null {
  const distDir = path.join(electronDir, 'dist');
  try {
    const version = readFileSync(path.join(distDir, 'version'), 'utf8').trim();
    const binaryName = readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    const binary = path.join(distDir, binaryName);
    return existsSync(binary) ? { version, binary, distDir } : null;
  } catch {
    return null;
  }
}

/** Runs electron's own installer (it downloads the runtime); null when it succeeded, else why not. */
function runInstaller(): Promise<string | null> {
  return new Promise((resolve) => {
    const installer = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: INSTALL_TIMEOUT_MS,
    });
    let stderr = '';
    installer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    installer.on('error', (error) => resolve(`its installer could not run: ${error.message}`));
    installer.on('close', (code, signal) => {
      if (signal) resolve(`its download did not finish within ${INSTALL_TIMEOUT_MS / 1000} s`);
      else if (code !== 0) {
        const firstLine = stderr.trim().split('\n')[0] ?? '';
        resolve(`its download failed${firstLine ? `: ${firstLine}` : ''}`);
      } else resolve(null);
    });
  });
}

/**
 * The runtime, downloaded first when missing (saying so in `log`), or why there is none, as a
 * clause to end a sentence with ("the electron package is not installed").
 */
export async function obtainElectron(
  log: (line: string) => void,
): Promise<{ runtime: ElectronRuntime } | { reason: string }> {
  if (!existsSync(path.join(electronDir, 'install.js'))) {
    return { reason: 'the electron package is not installed' };
  }
  const installed = installedElectron();
  if (installed) return { runtime: installed };
  log(
    `The Electron runtime is missing; trying to download it (up to ${INSTALL_TIMEOUT_MS / 1000} s)…`,
  );
  const failure = await runInstaller();
  const runtime = installedElectron();
  return runtime ? { runtime } : { reason: failure ?? 'its installer left no runtime behind' };
}
