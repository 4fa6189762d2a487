import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property tests are CPU-bound; two workers match the two-core machines CI runs on.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
