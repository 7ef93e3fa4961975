// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Lint runs before the tests (npm test). Type-aware rules catch what tsc does not:
 * a promise nobody awaits (an error that vanishes, a shutdown step that races) and
 * a non-string in a plain template literal — a Pulumi Output there renders as
 * "Calling [toString] on an [Output<T>] is not supported" instead of its value
 * (pulumi.interpolate, a tagged template, is the right tool and is not flagged).
 */
export default tseslint.config(
  // tests/fixtures/ holds code that is wrong on purpose (the lint test proves the rules catch it).
  { ignores: ["node_modules/", "dist/", "coverage/", "**/*.js", "**/*.mjs", "**/*.mts", "policies/node_modules/", "tests/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false, allowRegExp: false, allowNever: false },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests and the mock runtime read captured, untyped resource inputs; a template there is a message, never an Output.
    files: ["tests/**/*.ts", "apps/*/test/**/*.ts", "scripts/lib/mock-stack/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: true, allowAny: true },
      ],
    },
  },
);
