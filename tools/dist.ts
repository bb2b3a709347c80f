/**
 * `npm run dist` (after `npm run build`): desktop packages of LMS Admin for this operating system
 * with electron-builder (electron-builder.yml), packed around the Electron runtime installed in
 * node_modules (fetched first where it is missing). Where no runtime can be had it builds nothing,
 * says why in one line and exits with 1: a build was asked for and none was made.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { obtainElectron } from '../electron/electron-runtime';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

async function dist(): Promise<number> {
  const obtained = await obtainElectron((line) => console.log(line));
  if ('reason' in obtained) {
    console.error(
      `Can't build the desktop packages here: the Electron runtime is not available (${obtained.reason}).`,
    );
    return 1;
  }
  const { runtime } = obtained;
  console.log(`Packaging LMS Admin around Electron ${runtime.version}…`);
  const builder = path.join(projectRoot, 'node_modules', '.bin', 'electron-builder');
  const args = [
    '--config',
    'electron-builder.yml',
    // The runtime already here, rather than a second download of it.
    `--config.electronDist=${runtime.distDir}`,
    ...process.argv.slice(2),
  ];
  return new Promise((resolve) => {
    const child = spawn(builder, args, { cwd: projectRoot, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(
        `Can't build the desktop packages: electron-builder did not start (${error.message}).`,
      );
      resolve(1);
    });
    child.on('exit', (code) => {
      if (code !== 0) {
        console.error(
          'electron-builder failed (its own message is above); the packages in release/ are incomplete.',
        );
      }
      resolve(code ?? 1);
    });
  });
}

dist().then((code) => process.exit(code));
