/** What a new version must keep up during a rollout. */
export interface AnalysisThresholds {
  /** Share of non-5xx answers, 0–1. */
  readonly minSuccessRate: number;
  /** 99th-percentile request duration, seconds. */
  readonly maxP99Seconds: number;
}

export const DEFAULT_THRESHOLDS: AnalysisThresholds = { minSuccessRate: 0.99, maxP99Seconds: 0.5 };

/** The two PromQL signals an analysis judges: a success ratio (0–1) and a p99 in seconds. */
export interface AnalysisSignals {
  readonly successRate: string;
  readonly p99: string;
}

/** The pods of the revision under test: Argo Rollouts passes their pod-template hash in. */
const revision = (app: string) => `service="${app}",rollouts_pod_template_hash="{{args.revision-hash}}"`;

/**
 * An HTTP service's requests (apps/lib/http/metrics.ts: http_request_duration_seconds
 * by route and status). Probes and scrapes are left out: kubelet and Prometheus hit
 * /health and /metrics all the time, which would hide real 5xx answers and make a
 * revision without traffic look measured.
 */
export function httpSignals(app: string): AnalysisSignals {
  const selector = `${revision(app)},route!~"/health/.*|/metrics"`;
  return {
    successRate: `sum(rate(http_request_duration_seconds_count{${selector},status!~"5.."}[2m])) / sum(rate(http_request_duration_seconds_count{${selector}}[2m]))`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${selector}}[2m])))`,
  };
}

/**
 * A consumer's settlements (apps/payment/src/payment-metrics.ts): the share of orders
 * not rolled back after failing (a refusal for lack of credit is a correct outcome),
 * and the time to settle one order.
 */
export function settlementSignals(app: string): AnalysisSignals {
  const selector = revision(app);
  return {
    successRate: `sum(rate(payment_settlements_total{${selector},outcome!="rolled_back"}[2m])) / sum(rate(payment_settlements_total{${selector}}[2m]))`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(payment_settle_duration_seconds_bucket{${selector}}[2m])))`,
  };
}

/**
 * An AnalysisTemplate on Prometheus. Each metric guards against an empty result: a
 * revision with no traffic yet returns no series (indexing it errors) or NaN (0/0);
 * then neither condition holds and the measurement is inconclusive, which pauses the
 * rollout for a person instead of promoting an untested version. One failed
 * measurement is tolerated; three consecutive query errors stop the analysis.
 */
export function analysisTemplateSpec(signals: AnalysisSignals, prometheusUrl: string, thresholds: AnalysisThresholds = DEFAULT_THRESHOLDS) {
  const q = signals;
  const measured = "len(result) > 0 && !isNaN(result[0])";
  const metric = (name: string, query: string, good: string, bad: string) => ({
    name,
    interval: "30s",
    count: 6,
    failureLimit: 1,
    consecutiveErrorLimit: 3,
    successCondition: `${measured} && ${good}`,
    failureCondition: `${measured} && ${bad}`,
    provider: { prometheus: { address: prometheusUrl, query } },
  });
  return {
    args: [{ name: "revision-hash" }],
    metrics: [
      metric("success-rate", q.successRate, `result[0] >= ${thresholds.minSuccessRate}`, `result[0] < ${thresholds.minSuccessRate}`),
      metric("p99-latency", q.p99, `result[0] <= ${thresholds.maxP99Seconds}`, `result[0] > ${thresholds.maxP99Seconds}`),
    ],
  };
}

/** The label a smoke-test pod carries; the app's NetworkPolicy admits pods with it. */
export const SMOKE_TEST_LABEL = "coupon-platform/smoke-test-for";

/** curl, pinned: the smoke test's only tool. */
export const SMOKE_TEST_IMAGE = "curlimages/curl:8.11.1";

/**
 * A pre-promotion check for a preview that has no live traffic yet: a Job that asks
 * the preview service's readiness endpoint (which checks the app's dependencies)
 * several times and fails the analysis on any non-2xx answer.
 */
export function smokeTestTemplateSpec(app: string, previewUrl: string) {
  return {
    metrics: [
      {
        name: "preview-ready",
        count: 1,
        failureLimit: 0,
        provider: {
          job: {
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: 120,
              template: {
                metadata: { labels: { [SMOKE_TEST_LABEL]: app } },
                spec: {
                  restartPolicy: "Never",
                  automountServiceAccountToken: false,
                  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
                  containers: [
                    {
                      name: "smoke",
                      image: SMOKE_TEST_IMAGE,
                      command: [
                        "sh",
                        "-c",
                        `for i in 1 2 3 4 5; do curl --fail --silent --show-error --max-time 5 ${previewUrl}/health/ready || exit 1; sleep 2; done`,
                      ],
                      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    },
                  ],
                },
              },
            },
          },
        },
      },
    ],
  };
}
