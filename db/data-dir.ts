import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';

/** The folder holding the app's own data (the embedded database among it): `LMS_DATA_DIR`, else the OS app-data folder. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.LMS_DATA_DIR?.trim();
  if (configured) return path.resolve(configured);
  // PostgreSQL refuses to run as root, so for root it runs as the `postgres` user, which can't
  // enter root's home folder (mode 0700): a system folder it can reach is the only default that works.
  if (process.platform !== 'win32' && os.userInfo().uid === 0) return '/var/lib/lms-admin';
  return envPaths('lms-admin', { suffix: '' }).data;
}
