import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'sfu/**/*.test.ts',
      'signaling/**/*.test.ts',
      'recorder/**/*.test.ts',
      'gateway-sip/**/*.test.ts',
      'console/src/**/*.test.{ts,tsx}',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // Tests start real processes (mediasoup workers, Redis, Chromium) on a 2-core machine: one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'warn' },
  },
});
