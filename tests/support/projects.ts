import { TestRunner } from 'vitest';

/** The vitest project of the main integration run (embedded PostgreSQL 18, or TEST_DATABASE_URL). */
const MAIN_INTEGRATION_PROJECT = 'integration';

/**
 * Whether the file being collected runs in the main integration project. Tests of the embedded
 * server itself don't use the project's server, so in another project (PostgreSQL 15) they would
 * only repeat the same work: they run once, here.
 */
export function isMainIntegrationProject(): boolean {
  return TestRunner.getCurrentSuite().file.projectName === MAIN_INTEGRATION_PROJECT;
}
