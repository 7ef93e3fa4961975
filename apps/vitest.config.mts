import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "apps",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.test.ts"],
    // Starts the local Kafka broker when it is down and prepares a fresh test database.
    globalSetup: ["./test-support/global-setup.ts"],
    // The integration tests share one Redis, one MariaDB and one broker and measure
    // them (query counts, stock): files run one after another, never interleaved.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
