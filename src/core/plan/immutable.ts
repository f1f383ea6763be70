/**
 * What the kept load balancer cannot become in place: Octavia sets a load balancer's flavor
 * and availability zone at its create only (its PUT takes neither). When the desired ones
 * differ the load balancer is kept as it is and the Service is told why (docs/adr/0012):
 * recreating it would cut the Service's traffic, and a kuryr.conf change would recreate every
 * load balancer of the cluster at once. Pure.
 */
import type { DesiredLoadBalancer, ObservedLoadBalancer } from '../model.js';

function differs(
  what: string,
  observed: string | null | undefined,
  desired: string | undefined,
  lb: ObservedLoadBalancer,
): string[] {
  // undefined: not read (an observation without it says nothing).
  if (observed === undefined || observed === (desired ?? null)) return [];
  const had = observed === null ? 'no ' + what : `${what} ${observed}`;
  const wants = desired ?? 'none';
  return [
    `load balancer ${lb.id} was created with ${had}, the Service now asks for ${wants}: Octavia cannot change a load balancer's ${what}, so it is kept as it is; the new ${what} applies when the load balancer is next created (e.g. after the Service is recreated)`,
  ];
}

/** One message per option `kept` has otherwise than `desired` and cannot change; empty when none. */
export function immutableDrift(kept: ObservedLoadBalancer, desired: DesiredLoadBalancer): string[] {
  return [
    ...differs('flavor', kept.flavorId, desired.flavorId, kept),
    ...differs('availability zone', kept.availabilityZone, desired.availabilityZone, kept),
  ];
}
