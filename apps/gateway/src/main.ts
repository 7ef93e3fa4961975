import { runService } from "../../lib/run-service";
import { loadGatewayConfig } from "./config";
import { startGatewayService } from "./service";

runService(() => loadGatewayConfig(), startGatewayService);
