import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contains, formatCidr, overlaps, parseCidr } from "../../infra/network/cidr";
import { AZ_SLOTS, MAX_VPC_PREFIX, MIN_VPC_PREFIX, planSubnets } from "../../infra/network/subnet-plan";

/** Any private VPC block the plan accepts: a 10/8, 172.16/12 or 192.168/16 address with a /16–/20 prefix. */
const vpcBlock = fc
  .record({
    range: fc.constantFrom(
      { base: parseCidr("10.0.0.0/8").base, prefix: 8 },
      { base: parseCidr("172.16.0.0/12").base, prefix: 12 },
      { base: parseCidr("192.168.0.0/16").base, prefix: 16 },
    ),
    prefix: fc.integer({ min: MIN_VPC_PREFIX, max: MAX_VPC_PREFIX }),
    offset: fc.nat(),
  })
  .filter(({ range, prefix }) => prefix >= range.prefix)
  .map(({ range, prefix, offset }) => {
    const slots = 2 ** (prefix - range.prefix);
    return formatCidr({ base: range.base + (offset % slots) * 2 ** (32 - prefix), prefix });
  });

const azCount = fc.integer({ min: 1, max: AZ_SLOTS });

describe("subnet plan", () => {
  it("lays out a /16 as documented", () => {
    expect(planSubnets("10.10.0.0/16", 3)).toEqual([
      { azIndex: 0, private: "10.10.0.0/19", public: "10.10.128.0/22", data: "10.10.144.0/22", internalLb: "10.10.160.0/22" },
      { azIndex: 1, private: "10.10.32.0/19", public: "10.10.132.0/22", data: "10.10.148.0/22", internalLb: "10.10.164.0/22" },
      { azIndex: 2, private: "10.10.64.0/19", public: "10.10.136.0/22", data: "10.10.152.0/22", internalLb: "10.10.168.0/22" },
    ]);
  });

  it("keeps every subnet inside the VPC", () => {
    fc.assert(
      fc.property(vpcBlock, azCount, (vpc, count) => {
        const outer = parseCidr(vpc);
        for (const az of planSubnets(vpc, count)) {
          for (const block of [az.public, az.private, az.data, az.internalLb]) expect(contains(outer, parseCidr(block))).toBe(true);
        }
      }),
    );
  });

  it("never overlaps two subnets", () => {
    fc.assert(
      fc.property(vpcBlock, azCount, (vpc, count) => {
        const blocks = planSubnets(vpc, count).flatMap((az) => [az.public, az.private, az.data, az.internalLb].map(parseCidr));
        blocks.forEach((a, i) => blocks.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
      }),
    );
  });

  it("moves no existing subnet when an AZ is added", () => {
    fc.assert(
      fc.property(vpcBlock, fc.integer({ min: 1, max: AZ_SLOTS - 1 }), (vpc, count) => {
        expect(planSubnets(vpc, count + 1).slice(0, count)).toEqual(planSubnets(vpc, count));
      }),
    );
  });

  it("gives the private tier at least 8x the addresses of the public or data tier (pods take VPC IPs)", () => {
    fc.assert(
      fc.property(vpcBlock, (vpc) => {
        const [az] = planSubnets(vpc, 1);
        expect(parseCidr(az!.public).prefix - parseCidr(az!.private).prefix).toBe(3);
        expect(parseCidr(az!.data).prefix).toBe(parseCidr(az!.public).prefix);
      }),
    );
  });

  it("refuses VPCs outside /16–/20 and AZ counts outside the reserved slots", () => {
    expect(() => planSubnets("10.0.0.0/15", 2)).toThrow(/between \/16 and \/20/);
    expect(() => planSubnets("10.0.0.0/21", 2)).toThrow(/between \/16 and \/20/);
    expect(() => planSubnets("10.0.0.0/16", 0)).toThrow(/azCount/);
    expect(() => planSubnets("10.0.0.0/16", AZ_SLOTS + 1)).toThrow(/azCount/);
  });
});

describe("CIDR parsing", () => {
  it("round-trips valid blocks", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (address, prefix) => {
        const base = prefix === 0 ? 0 : (address - (address % 2 ** (32 - prefix))) >>> 0;
        const text = formatCidr({ base, prefix });
        expect(parseCidr(text)).toEqual({ base, prefix });
      }),
    );
  });

  it.each([
    ["10.0.0.0", /not an IPv4 CIDR/],
    ["10.0.0/16", /not an IPv4 CIDR/],
    ["10.0.0.256/24", /./],
    ["10.0.0.0/33", /./],
    ["10.0.1.0/16", /host bits set; did you mean 10\.0\.0\.0\/16/],
    ["fd00::/8", /not an IPv4 CIDR/],
  ])("refuses %s", (text, reason) => {
    expect(() => parseCidr(text)).toThrow(reason);
  });
});
