import { runService } from "../../lib/run-service";
import { loadPaymentConfig } from "./config";
import { startPaymentService } from "./service";

runService(() => loadPaymentConfig(), startPaymentService);
