/**
 * Address arithmetic the layout checks need: addresses as big integers, CIDR bounds, the
 * smallest CIDR covering a set of addresses, and range overlap. Pure, built on src/core/ip.
 */
import ipaddr from 'ipaddr.js';
import { parseCidr, parseIp, type IpFamily } from '../../core/ip.js';

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

/** The address `text` as an integer with its family; null when it is not an address. */
export function addressValue(text: string): { family: IpFamily; value: bigint } | null {
  const ip = parseIp(text);
  if (ip === null) return null;
  const value = ip.bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  return { family: ip.family, value };
}

/** The canonical text of address `value` of `family`. */
export function formatAddress(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  const ip = ipaddr.fromByteArray(bytes);
  return ip.kind() === 'ipv4' ? ip.toString() : ipaddr.IPv6.parse(ip.toString()).toRFC5952String();
}

/** The addresses of `cidr` (network to broadcast); null when it is not a CIDR. */
export function cidrRange(cidr: string): AddressRange | null {
  const parsed = parseCidr(cidr);
  const network = parsed === null ? null : addressValue(parsed.network.address);
  if (parsed === null || network === null) return null;
  const hostBits = BigInt(BITS[parsed.family] - parsed.prefixLength);
  return { family: parsed.family, first: network.value, last: network.value + (1n << hostBits) - 1n };
}

/** The range `start`-`end` (a Neutron allocation pool); null when either end is not an address or families differ. */
export function poolRange(start: string, end: string): AddressRange | null {
  const a = addressValue(start);
  const b = addressValue(end);
  if (a === null || b?.family !== a.family) return null;
  return { family: a.family, first: a.value, last: b.value };
}

/** True when the two ranges share an address. */
export function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** True when `outer` holds every address of `inner`. */
export function containsRange(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/** `a.b.c.d/p` of the smallest CIDR holding every value (all of `family`); null for none. */
export function coveringCidr(family: IpFamily, values: readonly bigint[]): string | null {
  if (values.length === 0) return null;
  const low = values.reduce((m, v) => (v < m ? v : m));
  const high = values.reduce((m, v) => (v > m ? v : m));
  let prefix = BITS[family];
  while (prefix > 0 && low >> BigInt(BITS[family] - prefix) !== high >> BigInt(BITS[family] - prefix))
    prefix--;
  const hostBits = BigInt(BITS[family] - prefix);
  return `${formatAddress(family, (low >> hostBits) << hostBits)}/${prefix}`;
}

/** `first-last` of a range, as text. */
export function formatRange(range: AddressRange): string {
  return `${formatAddress(range.family, range.first)}-${formatAddress(range.family, range.last)}`;
}
