import type { Migration } from "../migration";
import { initialSchema } from "./001-initial-schema";

/** Every migration, in the order they apply. Append; never edit one that has shipped. */
export const migrations: readonly Migration[] = [initialSchema];
