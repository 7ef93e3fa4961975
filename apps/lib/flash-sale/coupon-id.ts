import { z } from "zod";

/** Positive decimal ids only: "abc", "-1", "1.5", "01" never reach Redis or MySQL. */
export const couponIdSchema = z.string().regex(/^[1-9][0-9]{0,15}$/, "must be a positive integer id");
export const couponIdParams = z.strictObject({ id: couponIdSchema });
