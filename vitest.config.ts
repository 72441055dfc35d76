import { defineConfig } from 'vitest/config';

const unitOrIntegrationRoots = ['packages/*/test', 'services/*/test', 'cli/test'];

export default defineConfig({
  test: {
    // Real Postgres and Kafka make some suites slow to start; a deadline that
    // is too tight only produces flaky failures, not earlier feedback.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // Some unit tests run the CLI as a process; under a loaded CI machine tsx startup alone takes seconds.
          testTimeout: 30_000,
          include: [...unitOrIntegrationRoots.map((root) => `${root}/**/*.test.ts`), 'test/infra/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: [...unitOrIntegrationRoots.map((root) => `${root}/**/*.int.test.ts`), 'test/integration/**/*.int.test.ts'],
          globalSetup: ['./test/support/global-postgres.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['./test/support/global-postgres.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
