import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "infra",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.test.ts"],
    // The Pulumi runtime keeps global state (config, mocks, stack resource):
    // each test file runs in its own fork so stacks never leak into each other.
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
  },
});
