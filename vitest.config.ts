import { defineConfig } from "vitest/config";

// Each area of the kit is its own vitest project so one `npm test` runs them all,
// while each keeps the pool and setup it needs (the apps talk to real services).
export default defineConfig({
  test: {
    projects: ["tests/vitest.config.ts", "apps/vitest.config.ts"],
  },
});
