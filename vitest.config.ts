import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration and e2e files share one real cloud: run files one at a time.
    fileParallelism: false,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.fake.test.ts'] } },
      {
        // The API server contract: against the simulated server, or the real one named by
        // KS_KUBE_CONTRACT_KUBECONFIG (`KUBECONFIG=... npm run test:kube-contract`).
        test: {
          name: 'kube-contract',
          include: ['test/kube-contract/**/*.test.ts'],
          globalSetup: ['test/kube-contract/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/contract/**/*.real.test.ts',
          ],
          globalSetup: ['test/support/integration-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
