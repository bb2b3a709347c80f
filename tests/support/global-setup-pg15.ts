import type { TestProject } from 'vitest/node';
import { startPg15Cluster } from './pg15-cluster';
import './global-setup';

/** Runs the integration suite again on a throwaway Debian PostgreSQL 15 cluster. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPg15Cluster();
  project.provide('serverUrl', cluster.url);
  project.provide('serverLabel', 'PostgreSQL 15 (Debian)');
  return cluster.stop;
}
