/**
 * How a new version of an app replaces the old one (Argo Rollouts strategies).
 *
 * - albCanary: traffic moves by ALB weights (10 → 25 → 50 → 100 %), with analysis
 *   after each step; the canary is scaled to its traffic weight (setCanaryScale) so
 *   the HPA, which sizes the whole Rollout, does not inflate it.
 * - replicaCanary: for a consumer with no HTTP traffic to split. Without traffic
 *   routing Argo Rollouts sizes the canary by the weight (setCanaryScale needs
 *   traffic routing and is refused without it), with analysis between steps.
 * - blueGreen: the new version comes up behind a preview service, is analysed
 *   before promotion, and the old one stays up scaleDownDelaySeconds for rollback.
 */
export type RolloutStrategy =
  | { readonly kind: "albCanary"; readonly steps: readonly number[]; readonly ingressName: string; readonly analysis: CanaryAnalysis }
  | { readonly kind: "replicaCanary"; readonly steps: readonly number[]; readonly analysis: CanaryAnalysis }
  /** Judged before promotion by smoke tests against the preview (a Job the analysis runs). */
  | { readonly kind: "blueGreen"; readonly autoPromotion: boolean; readonly scaleDownDelaySeconds: number };

/** What a canary is judged on between steps: its HTTP answers, or (a consumer) its settlements. */
export type CanaryAnalysis = "http" | "settlements";

export interface StrategyNames {
  readonly stableService: string;
  /** The canary service (canary) or the preview service (blue-green). */
  readonly secondService: string;
  readonly analysisTemplate: string;
}

const analysisStep = (templateName: string) => ({
  analysis: {
    templates: [{ templateName }],
    args: [{ name: "revision-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
  },
});

export function rolloutStrategy(strategy: RolloutStrategy, names: StrategyNames, servicePort: number) {
  switch (strategy.kind) {
    case "albCanary":
      return {
        canary: {
          stableService: names.stableService,
          canaryService: names.secondService,
          trafficRouting: { alb: { ingress: strategy.ingressName, servicePort } },
          steps: [
            { setCanaryScale: { matchTrafficWeight: true } },
            ...strategy.steps.flatMap((weight) => [{ setWeight: weight }, analysisStep(names.analysisTemplate)]),
          ],
        },
      };
    case "replicaCanary":
      return {
        canary: {
          stableService: names.stableService,
          canaryService: names.secondService,
          steps: strategy.steps.flatMap((weight) => [{ setWeight: weight }, analysisStep(names.analysisTemplate)]),
        },
      };
    case "blueGreen":
      return {
        blueGreen: {
          activeService: names.stableService,
          previewService: names.secondService,
          autoPromotionEnabled: strategy.autoPromotion,
          scaleDownDelaySeconds: strategy.scaleDownDelaySeconds,
          prePromotionAnalysis: {
            templates: [{ templateName: names.analysisTemplate }],
            args: [{ name: "revision-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
          },
        },
      };
  }
}
