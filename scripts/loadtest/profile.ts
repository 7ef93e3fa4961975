/** What a load test sends at one moment: arrivals per second of each kind of request. */
export interface Rates {
  browse: number;
  buy: number;
}

export type LoadProfile =
  | {
      kind: "ramp";
      /** Arrivals per second at the start and at the top of the ramp. */
      fromRate: number;
      toRate: number;
      rampSeconds: number;
      holdSeconds: number;
      /** Share of arrivals that try to buy; the rest browse the catalog. */
      buyShare: number;
    }
  | {
      kind: "spike";
      /** Buyers browsing before, during and after the sale opens. */
      browseRate: number;
      /** Purchase attempts per second in the first seconds of the sale. */
      peakBuyRate: number;
      spikeAtSeconds: number;
      spikeSeconds: number;
      /** After the spike: buyers retrying at a tenth of the peak. */
      tailSeconds: number;
    };

export function profileSeconds(profile: LoadProfile): number {
  return profile.kind === "ramp"
    ? profile.rampSeconds + profile.holdSeconds
    : profile.spikeAtSeconds + profile.spikeSeconds + profile.tailSeconds;
}

/** The arrival rates `t` seconds into the test (open model: they do not wait for answers). */
export function ratesAt(profile: LoadProfile, t: number): Rates {
  if (t < 0 || t >= profileSeconds(profile)) return { browse: 0, buy: 0 };
  if (profile.kind === "ramp") {
    const total =
      t < profile.rampSeconds ? profile.fromRate + ((profile.toRate - profile.fromRate) * t) / profile.rampSeconds : profile.toRate;
    return { browse: total * (1 - profile.buyShare), buy: total * profile.buyShare };
  }
  const sinceSpike = t - profile.spikeAtSeconds;
  const buy = sinceSpike < 0 ? 0 : sinceSpike < profile.spikeSeconds ? profile.peakBuyRate : profile.peakBuyRate / 10;
  return { browse: profile.browseRate, buy };
}
