/**
 * IP addresses and CIDRs, strictly parsed and normalised (pure, built on ipaddr.js).
 * Strict means the forms Kubernetes and Neutron write: four-part decimal IPv4 without
 * leading zeros, IPv6 without a zone id. Normalised means RFC 5952 for IPv6 and the
 * network address for a CIDR, so equal values compare equal as strings.
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

/** A parsed address: `address` is its canonical text. */
export interface ParsedIp {
  readonly address: string;
  readonly family: IpFamily;
  readonly bytes: readonly number[];
}

/** A parsed CIDR: `cidr` is `network/prefix` with the host bits cleared. */
export interface ParsedCidr {
  readonly cidr: string;
  readonly family: IpFamily;
  readonly network: ParsedIp;
  readonly prefixLength: number;
}

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** Parses `text` as an IPv4 or IPv6 address; null when it is not one (never throws). */
export function parseIp(text: string): ParsedIp | null {
  if (IPV4.test(text)) {
    return { address: text, family: 4, bytes: text.split('.').map(Number) };
  }
  if (!text.includes('%') && ipaddr.IPv6.isValid(text)) {
    const ip = ipaddr.IPv6.parse(text);
    return { address: ip.toRFC5952String(), family: 6, bytes: ip.toByteArray() };
  }
  return null;
}

/** Parses `text` as `address/prefix`; the host bits are cleared. Null when invalid (never throws). */
export function parseCidr(text: string): ParsedCidr | null {
  const parts = text.split('/');
  const [addressText, prefixText] = parts;
  if (parts.length !== 2 || addressText === undefined || prefixText === undefined) return null;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
  const ip = parseIp(addressText);
  const prefixLength = Number(prefixText);
  if (ip === null || prefixLength > ip.bytes.length * 8) return null;
  const network = fromBytes(maskBytes(ip.bytes, prefixLength));
  return { cidr: `${network.address}/${prefixLength}`, family: ip.family, network, prefixLength };
}

/** True when `address` lies inside `cidr` (same family); false for anything unparsable. */
export function cidrContains(cidr: string, address: string): boolean {
  const range = parseCidr(cidr);
  const ip = parseIp(address);
  return range !== null && ip !== null && rangeContains(range, ip);
}

/** True when the parsed `ip` lies inside the parsed `range` (same family). */
export function rangeContains(range: ParsedCidr, ip: ParsedIp): boolean {
  if (range.family !== ip.family) return false;
  const masked = maskBytes(ip.bytes, range.prefixLength);
  return masked.every((byte, i) => byte === range.network.bytes[i]);
}

/** The `ipVersion` of an address text, or null when it is not an address. */
export function ipFamily(text: string): IpFamily | null {
  return parseIp(text)?.family ?? null;
}

/** Orders addresses numerically (IPv4 before IPv6); unparsable texts last, by string. */
export function compareAddresses(a: string, b: string): number {
  return compareText(addressSortKey(a), addressSortKey(b));
}

/** A string that sorts like compareAddresses (fixed-width hex per family); compute once, compare many. */
export function addressSortKey(text: string): string {
  const ip = parseIp(text);
  if (ip === null) return `9 ${text}`;
  return `${ip.family} ${ip.bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function maskBytes(bytes: readonly number[], prefixLength: number): number[] {
  return bytes.map((byte, i) => {
    const bits = Math.min(8, Math.max(0, prefixLength - i * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

function fromBytes(bytes: number[]): ParsedIp {
  const ip = ipaddr.fromByteArray(bytes);
  if (ip.kind() === 'ipv4') return { address: ip.toString(), family: 4, bytes };
  const v6 = ipaddr.IPv6.parse(ip.toString());
  return { address: v6.toRFC5952String(), family: 6, bytes };
}

/**
 * Address classes that can never be a load balancer member, by ipaddr.js's own range tables:
 * `unspecified` (0.0.0.0/8, ::), `loopback` (127.0.0.0/8, ::1), `linkLocal` (169.254.0.0/16,
 * where the metadata service lives, and fe80::/10), `multicast` (224.0.0.0/4, ff00::/8) and
 * `broadcast` (255.255.255.255).
 */
export type NeverMemberRange = 'unspecified' | 'loopback' | 'linkLocal' | 'multicast' | 'broadcast';

const NEVER_MEMBER_RANGES: readonly string[] = [
  'unspecified',
  'loopback',
  'linkLocal',
  'multicast',
  'broadcast',
] satisfies NeverMemberRange[];

/** A never-member class of an address; `embedded` is the IPv4 address an IPv4-mapped IPv6 address carries. */
export interface NeverMemberClass {
  readonly range: NeverMemberRange;
  readonly embedded: string | null;
}

function neverMemberRange(range: string): NeverMemberRange | null {
  return NEVER_MEMBER_RANGES.includes(range) ? (range as NeverMemberRange) : null;
}

/**
 * The never-member class of `ip`, looking through IPv4-mapped IPv6 (::ffff:a.b.c.d) to the
 * IPv4 address inside; null for any other address. Pure, never throws.
 */
export function neverMemberClass(ip: ParsedIp): NeverMemberClass | null {
  const parsed = ipaddr.fromByteArray([...ip.bytes]);
  if (parsed.kind() === 'ipv4') {
    const range = neverMemberRange(parsed.range());
    return range === null ? null : { range, embedded: null };
  }
  const v6 = ipaddr.IPv6.parse(parsed.toString());
  if (v6.isIPv4MappedAddress()) {
    const inner = v6.toIPv4Address();
    const range = neverMemberRange(inner.range());
    return range === null ? null : { range, embedded: inner.toString() };
  }
  const range = neverMemberRange(v6.range());
  return range === null ? null : { range, embedded: null };
}

/** The directed broadcast address of an IPv4 CIDR of prefix 30 or shorter; null otherwise (IPv6, /31, /32). */
export function broadcastAddress(range: ParsedCidr): string | null {
  if (range.family !== 4 || range.prefixLength > 30) return null;
  return ipaddr.IPv4.broadcastAddressFromCIDR(range.cidr).toString();
}
