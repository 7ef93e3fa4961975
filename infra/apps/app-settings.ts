/*
 * What the apps layer takes from the stack's `delivery` settings. The stack config
 * schema (infra/configuration/schema.ts) validates them; these are the shapes the
 * apps need, so the domain folders never import the configuration.
 */

export interface AppResources {
  readonly cpu: string;
  readonly memory: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
}

export interface AppSizing {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly resources: AppResources;
}

export interface GatewaySettings extends AppSizing {
  readonly cpuTargetPercent: number;
  readonly autoPromotion: boolean;
  readonly scaleDownDelaySeconds: number;
}

export interface CouponSettings extends AppSizing {
  readonly cpuTargetPercent: number;
  readonly canarySteps: readonly number[];
}

export interface PaymentSettings extends AppSizing {
  readonly lagPerReplica: number;
  readonly canarySteps: readonly number[];
}

export interface AppsSettings {
  readonly imageTag: string;
  readonly hostname: string;
  readonly certificateArn: string;
  /** Pods spread hard across zones, and deletion protection on the public load balancer. */
  readonly highAvailability: boolean;
  readonly gateway: GatewaySettings;
  readonly coupon: CouponSettings;
  readonly payment: PaymentSettings;
}
