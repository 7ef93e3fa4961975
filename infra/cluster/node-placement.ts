/** The label every managed node carries with its group's name ("system" or "apps"). */
export const NODE_GROUP_LABEL = "coupon-platform/node-group";

/** The taint that keeps the system node group for cluster add-ons. */
export const SYSTEM_NODE_TAINT = { key: "CriticalAddonsOnly", value: "true" } as const;

/** Where a cluster add-on's pods go: the system group, whose taint they tolerate. */
export const ON_SYSTEM_NODES = {
  nodeSelector: { [NODE_GROUP_LABEL]: "system" },
  tolerations: [{ key: SYSTEM_NODE_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
};

/** Where the platform's apps go. */
export const ON_APP_NODES = { [NODE_GROUP_LABEL]: "apps" };
