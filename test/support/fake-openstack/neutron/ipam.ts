/**
 * The fake's IP address management: a requested address must lie in the subnet and be free
 * (Neutron allows it outside the allocation pools); otherwise the next free address of the
 * allocation pools is taken. Errors are Neutron's (409 IpAddressAlreadyAllocated, 400
 * InvalidIpForSubnet, 409 IpAddressGenerationFailure).
 */
import { neutronFault } from '../errors.js';
import { formatAddress, inCidr, parseAddress } from './ip.js';
import type { SubnetRow } from './rows.js';

/** Whether `ip` is a valid address of `subnet`. */
export function inSubnet(subnet: SubnetRow, ip: string): boolean {
  const parsed = parseAddress(ip);
  return parsed !== null && inCidr(subnet.cidr, parsed.version, parsed.value);
}

function takeRequested(subnet: SubnetRow, ip: string): string {
  const parsed = parseAddress(ip);
  if (parsed === null || !inCidr(subnet.cidr, parsed.version, parsed.value)) {
    throw neutronFault(
      400,
      'InvalidIpForSubnet',
      `IP address ${ip} is not a valid IP for the specified subnet.`,
    );
  }
  const key = parsed.value.toString();
  const text = formatAddress(parsed.version, parsed.value);
  if (subnet.allocated.has(key)) {
    throw neutronFault(
      409,
      'IpAddressAlreadyAllocated',
      `IP address ${text} already allocated in subnet ${subnet.id}`,
    );
  }
  subnet.allocated.add(key);
  return text;
}

function takeNext(subnet: SubnetRow): string | null {
  // Walk the pools from the cursor, wrapping once: amortised O(1) while addresses are free.
  for (let pass = 0; pass < 2; pass++) {
    for (const range of subnet.pools) {
      const start = pass === 0 && subnet.cursor > range.first ? subnet.cursor : range.first;
      const stop = pass === 0 ? range.last : subnet.cursor < range.last ? subnet.cursor : range.last;
      for (let v = start; v <= stop; v++) {
        if (subnet.allocated.has(v.toString())) continue;
        subnet.allocated.add(v.toString());
        subnet.cursor = v + 1n;
        return formatAddress(subnet.cidr.version, v);
      }
    }
  }
  return null;
}

/** Allocates `requested` (or the next free pool address) on `subnet`. Throws Neutron's faults. */
export function allocateIp(subnet: SubnetRow, requested?: string): string {
  if (requested !== undefined) return takeRequested(subnet, requested);
  const ip = takeNext(subnet);
  if (ip === null) {
    throw neutronFault(
      409,
      'IpAddressGenerationFailure',
      `No more IP addresses available on network ${subnet.networkId}.`,
    );
  }
  return ip;
}

/** Frees `ip` on `subnet` (no-op when not allocated). */
export function releaseIp(subnet: SubnetRow, ip: string): void {
  const parsed = parseAddress(ip);
  if (parsed !== null) subnet.allocated.delete(parsed.value.toString());
}
