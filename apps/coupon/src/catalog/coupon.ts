/** A coupon as the API shows it. Money is integer cents; times are ISO-8601 UTC. */
export interface Coupon {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  initialStock: number;
  saleStartsAt: string;
  saleEndsAt: string;
}

export interface CouponPage {
  page: number;
  size: number;
  items: Coupon[];
  hasMore: boolean;
}
