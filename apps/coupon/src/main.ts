import { runService } from "../../lib/run-service";
import { loadCouponConfig } from "./config";
import { startCouponService } from "./service";

runService(() => loadCouponConfig(), startCouponService);
