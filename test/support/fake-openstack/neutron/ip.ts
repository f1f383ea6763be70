/**
 * Address arithmetic for the fake's IPAM (IPv4 and IPv6, as BigInt), on ipaddr.js: parse a
 * CIDR, test membership, step through allocation pools, render canonical text.
 */
import ipaddr from 'ipaddr.js';

/** A parsed CIDR: its family, first and last address. */
export interface Cidr {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
}

function toBig(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** The numeric value and family of an address, or null when `text` is not one. */
export function parseAddress(text: string): { readonly version: 4 | 6; readonly value: bigint } | null {
  if (!ipaddr.isValid(text) || text.includes('%')) return null;
  if (ipaddr.IPv4.isValid(text) && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  const addr = ipaddr.parse(text);
  return { version: addr.kind() === 'ipv4' ? 4 : 6, value: toBig(addr) };
}

/** Canonical text of an address value (dotted quad, RFC 5952 for IPv6). */
export function formatAddress(version: 4 | 6, value: bigint): string {
  const size = version === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = size - 1, v = value; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn);
  const addr = ipaddr.fromByteArray(bytes);
  return addr instanceof ipaddr.IPv6 ? addr.toRFC5952String() : addr.toString();
}

/** Canonical text of `text`, or null when it is not an address. */
export function canonicalAddress(text: string): string | null {
  const parsed = parseAddress(text);
  return parsed === null ? null : formatAddress(parsed.version, parsed.value);
}

/** Parses `a.b.c.d/n` (host bits must be zero, as Neutron requires); null when invalid. */
export function parseCidr(text: string): Cidr | null {
  if (!ipaddr.isValidCIDR(text)) return null;
  const [addr, prefix] = ipaddr.parseCIDR(text);
  const version = addr.kind() === 'ipv4' ? 4 : 6;
  const bits = version === 4 ? 32 : 128;
  const hostBits = BigInt(bits - prefix);
  const first = toBig(addr);
  if ((first & ((1n << hostBits) - 1n)) !== 0n) return null;
  return { version, first, last: first + (1n << hostBits) - 1n, prefix };
}

/** Canonical `address/prefix` text of a CIDR. */
export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.version, cidr.first)}/${cidr.prefix}`;
}

/** True when `value` (of family `version`) lies in `cidr`. */
export function inCidr(cidr: Cidr, version: 4 | 6, value: bigint): boolean {
  return cidr.version === version && value >= cidr.first && value <= cidr.last;
}

/** True when two CIDRs share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}
