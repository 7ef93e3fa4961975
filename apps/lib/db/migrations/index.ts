import type { Migration } from "../migration";
import { initialSchema } from "./001-initial-schema";
import { paymentSettlements } from "./002-payment-settlements";
import { gatewayAccounts } from "./003-gateway-accounts";
import { gatewaySessions } from "./004-gateway-sessions";

/** Every migration, in the order they apply. Append; never edit one that has shipped. */
export const migrations: readonly Migration[] = [initialSchema, paymentSettlements, gatewayAccounts, gatewaySessions];
