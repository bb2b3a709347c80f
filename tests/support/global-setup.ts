import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedServer } from '../../db/embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the server the tests use; each test file makes its own database on it. */
    serverUrl: string;
    /** What server that is, for test titles and messages. */
    serverLabel: string;
  }
}

/** Starts the server for the main integration project: `TEST_DATABASE_URL` when set, else a fresh embedded PostgreSQL. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('serverUrl', process.env.TEST_DATABASE_URL);
    project.provide('serverLabel', 'TEST_DATABASE_URL');
    return async () => undefined;
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-test-'));
  const server = new EmbeddedServer(dataDir);
  const handle = await server.start();
  const url = new URL(handle.url);
  url.pathname = '/postgres';
  project.provide('serverUrl', url.toString());
  project.provide('serverLabel', 'embedded PostgreSQL');
  return async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
