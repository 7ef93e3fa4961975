import { z } from "zod";

// Environment variables are strings; these helpers turn them into typed values
// with messages that say what is accepted.

export const envInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));

export const envBool = z.enum(["true", "false"], { message: 'must be "true" or "false"' }).transform((v) => v === "true");

export const envList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .pipe(z.array(z.string()).min(1, "must list at least one entry"));
