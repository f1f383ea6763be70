/**
 * What Neutron holds for the scenarios: the harness' floating IPs, one floating IP by id,
 * the floating IPs on a port and the port of a floating IP, read fresh on every call.
 */
import type { ObservedFloatingIp } from '../../../src/core/model.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import type { Harness } from '../../support/e2e-harness.js';
import { answers404 } from './gone.js';

/** Owned floating IPs of this harness, fresh from Neutron. */
export async function ownedFips(h: Harness): Promise<ObservedFloatingIp[]> {
  return h.ownedFloatingIps();
}

/** A floating IP as Neutron holds it now, or null when it no longer exists. */
export async function fipById(h: Harness, id: string): Promise<floatingips.FloatingIpRecord | null> {
  const all = await floatingips.listAll(h.cloud.session, {});
  return all.find((f) => f.id === id) ?? null;
}

/** Resolves true once Neutron answers 404 for the floating IP. */
export function floatingIpGone(h: Harness, id: string): Promise<boolean> {
  return answers404(() => floatingips.get(h.cloud.session, id));
}

/** Every floating IP of the project (tagged or not) whose port is `portId`, sorted by id. */
export async function fipsOnPort(h: Harness, portId: string): Promise<floatingips.FloatingIpRecord[]> {
  const all = await floatingips.listAll(h.cloud.session, { portId });
  return all.filter((f) => f.portId === portId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The port a floating IP is bound to: its id, null when free, undefined when the FIP no longer exists. */
export async function portOfFip(h: Harness, id: string): Promise<string | null | undefined> {
  const all = await floatingips.listAll(h.cloud.session, {});
  return all.find((f) => f.id === id)?.portId;
}
