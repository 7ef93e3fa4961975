import { defineConfig } from "vitest/config";

// Each area of the kit (tests/ for infra and policies, apps/ for the services) is its
// own vitest project with the pool and setup it needs; one `npm test` runs them all.
export default defineConfig({
  test: {
    projects: ["*/vitest.config.{ts,mts}"],
  },
});
