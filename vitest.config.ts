import { defineConfig } from 'vitest/config';
import { pg15Availability } from './tests/support/pg15-cluster.ts';

const pg15 = pg15Availability();
if (!pg15.isAvailable)
  console.log(`Skipping the PostgreSQL 15 integration project: ${pg15.reason}.`);

const integration = {
  include: ['tests/integration/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          globalSetup: ['tests/support/global-setup.ts'],
          ...integration,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts', 'tests/support/build-renderer.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      ...(pg15.isAvailable
        ? [
            {
              test: {
                name: 'integration-pg15',
                globalSetup: ['tests/support/global-setup-pg15.ts'],
                ...integration,
              },
            },
          ]
        : []),
    ],
  },
});
