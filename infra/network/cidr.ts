import * as ipaddr from "ipaddr.js";

/** An IPv4 block as integers: the first address and the prefix length. */
export interface Ipv4Block {
  readonly base: number;
  readonly prefix: number;
}

/**
 * Parses "a.b.c.d/n" strictly: a valid IPv4 address, a prefix 0–32, and no host
 * bits set (10.0.1.0/16 is refused, since AWS would silently treat it as 10.0.0.0/16
 * and the plan would differ from what the user wrote).
 */
export function parseCidr(cidr: string): Ipv4Block {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR block like 10.0.0.0/16`);
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const base = toInt(address);
  if (prefix < 0 || prefix > 32) throw new Error(`"${cidr}" has a prefix outside 0–32`);
  if ((base & hostMask(prefix)) !== 0) {
    throw new Error(`"${cidr}" has host bits set; did you mean ${formatCidr({ base: (base & ~hostMask(prefix)) >>> 0, prefix })}?`);
  }
  return { base, prefix };
}

export function formatCidr(block: Ipv4Block): string {
  const octets = [24, 16, 8, 0].map((shift) => (block.base >>> shift) & 0xff);
  return `${octets.join(".")}/${block.prefix}`;
}

/** Number of addresses in the block. */
export function size(block: Ipv4Block): number {
  return 2 ** (32 - block.prefix);
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

/** The index-th block of length `prefix` inside `parent`, counted from its start. */
export function subdivide(parent: Ipv4Block, prefix: number, index: number): Ipv4Block {
  if (prefix < parent.prefix) throw new Error(`cannot carve a /${prefix} out of a /${parent.prefix}`);
  const count = 2 ** (prefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`block ${index} of /${prefix} does not fit in ${formatCidr(parent)} (${count} available)`);
  }
  return { base: parent.base + index * 2 ** (32 - prefix), prefix };
}

/** The RFC 1918 private ranges: a VPC must sit inside one of them. */
export const PRIVATE_RANGES: readonly Ipv4Block[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(parseCidr);

export function isPrivate(block: Ipv4Block): boolean {
  return PRIVATE_RANGES.some((range) => contains(range, block));
}

function toInt(address: ipaddr.IPv4): number {
  return address.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}
