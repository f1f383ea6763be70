/**
 * The placement step of `translate`: the Octavia flavor and availability zone a new load
 * balancer is created with (cloud-provider-openstack's annotations, else kuryr.conf
 * `[octavia_defaults] flavor_id` / `availability_zone`). Octavia cannot change either on an
 * existing load balancer; what the plan does then is docs/adr/0012.
 */
import type { V1Service } from '@kubernetes/client-node';
import {
  AVAILABILITY_ZONES_API,
  FLAVORS_API,
  formatApiVersion,
  providerCapabilities,
  supportsAvailabilityZones,
  supportsFlavors,
} from '../capabilities.js';
import type { ApiVersion, CapabilityProfile, ServiceRef, TranslateConfig } from '../model.js';
import { serviceKey } from '../naming.js';
import type { Reason } from './translation.js';
import { invalid, ok, warning, type Step } from './step.js';

/** cloud-provider-openstack's annotation: the Octavia flavor id of the load balancer. */
export const FLAVOR_ID_ANNOTATION = 'loadbalancer.openstack.org/flavor-id';
/** cloud-provider-openstack's annotation: the Octavia availability zone of the load balancer. */
export const AVAILABILITY_ZONE_ANNOTATION = 'loadbalancer.openstack.org/availability-zone';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Where the load balancer is created; absent fields are Octavia's defaults. */
export interface Placement {
  readonly flavorId?: string;
  readonly availabilityZone?: string;
}

/** One placement input: its value, and whether a Service annotation gave it. */
interface Input {
  readonly value: string | null;
  readonly fromAnnotation: boolean;
}

function readInput(
  annotations: Readonly<Record<string, string>>,
  annotation: string,
  fallback: string | null,
): Input {
  const text = annotations[annotation];
  // An empty annotation asks for Octavia's default, whatever kuryr.conf says.
  if (text !== undefined) return { value: text.trim() === '' ? null : text.trim(), fromAnnotation: true };
  return { value: fallback, fromAnnotation: false };
}

interface Gate {
  readonly what: string;
  readonly source: string;
  readonly supported: boolean;
  readonly providerHas: boolean;
  readonly needs: ApiVersion;
}

/** The warning for an input that cannot be applied, or null when it can (or none is given). */
function dropped(input: Input, gate: Gate, profile: CapabilityProfile, ref: ServiceRef): Reason | null {
  if (input.value === null || gate.supported) return null;
  // kuryr.conf values the provider cannot take are reported once, when kuryr.conf is read.
  if (!input.fromAnnotation && !gate.providerHas) return null;
  const why = gate.providerHas
    ? `it needs Octavia API ${formatApiVersion(gate.needs)}, this Octavia has ${formatApiVersion(profile.apiVersion)}`
    : `the ${profile.provider} provider has no ${gate.what}s`;
  const message = `Service ${serviceKey(ref)}: ${gate.what} "${input.value}" (${gate.source}) not applied: ${why}`;
  return warning('KuryrUnsupportedOption', message);
}

function flavorGate(input: Input, profile: CapabilityProfile): Gate {
  return {
    what: 'flavor',
    source: input.fromAnnotation
      ? `annotation ${FLAVOR_ID_ANNOTATION}`
      : 'kuryr.conf [octavia_defaults] flavor_id',
    supported: supportsFlavors(profile),
    providerHas: providerCapabilities(profile).flavors,
    needs: FLAVORS_API,
  };
}

function zoneGate(input: Input, profile: CapabilityProfile): Gate {
  return {
    what: 'availability zone',
    source: input.fromAnnotation
      ? `annotation ${AVAILABILITY_ZONE_ANNOTATION}`
      : 'kuryr.conf [octavia_defaults] availability_zone',
    supported: supportsAvailabilityZones(profile),
    providerHas: providerCapabilities(profile).availabilityZones,
    needs: AVAILABILITY_ZONES_API,
  };
}

function malformed(flavor: Input, zone: Input, key: string): Step<never> | null {
  if (flavor.value !== null && !UUID.test(flavor.value)) {
    const source = flavor.fromAnnotation ? `annotation ${FLAVOR_ID_ANNOTATION}` : 'kuryr.conf flavor_id';
    return invalid(`Service ${key}: ${source}="${flavor.value}" is not a flavor id (a UUID)`);
  }
  if (zone.value !== null && zone.value.length > 255) {
    return invalid(
      `Service ${key}: annotation ${AVAILABILITY_ZONE_ANNOTATION} is longer than 255 characters`,
    );
  }
  return null;
}

/**
 * The flavor and availability zone of a new load balancer. Invalid for a flavor that is not a
 * UUID or a zone name over 255 characters (Octavia's types). Left out, with a
 * KuryrUnsupportedOption warning, where the provider or the Octavia API version has none.
 */
export function translatePlacement(
  service: V1Service,
  ref: ServiceRef,
  config: TranslateConfig,
  profile: CapabilityProfile,
): Step<Placement> {
  const annotations = service.metadata?.annotations ?? {};
  const flavor = readInput(annotations, FLAVOR_ID_ANNOTATION, config.flavorId ?? null);
  const zone = readInput(annotations, AVAILABILITY_ZONE_ANNOTATION, config.availabilityZone ?? null);
  const key = serviceKey(ref);
  const bad = malformed(flavor, zone, key);
  if (bad !== null) return bad;
  const flavors = flavorGate(flavor, profile);
  const zones = zoneGate(zone, profile);
  const warnings = [dropped(flavor, flavors, profile, ref), dropped(zone, zones, profile, ref)].filter(
    (w): w is Reason => w !== null,
  );
  return ok(
    {
      ...(flavor.value !== null && flavors.supported ? { flavorId: flavor.value } : {}),
      ...(zone.value !== null && zones.supported ? { availabilityZone: zone.value } : {}),
    },
    warnings,
  );
}
