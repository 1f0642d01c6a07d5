import { defineConfig } from 'vitest/config';

// unit: pure code and CDK assertions; integration: one local service over real sockets;
// system: the whole synthesized stack on the local runtime (synthesized once in globalSetup);
// browser: the agent console in Debian's chromium against that stack.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/cdk/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'system', include: ['test/system/**/*.test.ts'], globalSetup: ['test/system/global-setup.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/system/global-setup.ts'], fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
