/**
 * The Kafka names coupon and payment agree on. The services take them as their
 * defaults, and the infrastructure grants IAM access, scales payment and renders
 * the pods' environment from the same constants.
 */
export const KAFKA_NAMES = {
  /** coupon → payment: one event per accepted purchase, keyed by coupon. */
  ordersTopic: "coupon.orders",
  /** payment's dead letters: orders it could not parse or settle. */
  deadLetterTopic: "coupon.orders.dlq",
  /** payment's consumer group on the orders topic. */
  settlementGroup: "payment-settlement",
} as const;

export type KafkaNames = { readonly [K in keyof typeof KAFKA_NAMES]: string };
