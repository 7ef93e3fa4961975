import type { Role } from "./accounts";

/** Who is calling, as established from a verified access token. */
export interface Principal {
  userId: string;
  role: Role;
  /** When the token stops being valid; an open WebSocket is closed then. */
  expiresAtMs: number;
}
