/**
 * The coexistence steps of `translate`: whether a type=LoadBalancer Service is ours to serve
 * when other load balancer controllers (cloud-provider-openstack, MetalLB...) run in the same
 * cluster, whether it is internal (no floating IP), and which cloud-provider-openstack
 * annotations we do not implement.
 *
 * Decisions (README, "Sharing a cluster with other load balancer controllers"):
 * - `spec.loadBalancerClass` exists only on type=LoadBalancer Services (the API server wipes
 *   it on a type change). A class other than ours means its controller implements the
 *   Service: skipped, no load balancer and no floating IP, as the Service API asks of a
 *   default implementation. ClusterIP Services are always ours (kuryr's model: each ClusterIP
 *   is an Octavia load balancer); NodePort stays unimplemented as in kuryr.
 * - `[kuryr_services] load_balancer_class = X` serves class X *as well as* Services without a
 *   class: setting it never drops a Service served before (a lost Pool floating IP cannot be
 *   got back).
 * - `[kuryr_services] ignore_foreign_services = true` leaves alone a Service without a class
 *   that another controller has claimed: the cloud-provider service controller's finalizer
 *   (every cloud-controller-manager's load balancer, OCCM included, adds it before creating
 *   anything), OCCM's `loadbalancer.openstack.org/load-balancer-id` annotation, or MetalLB's
 *   `ip-allocated-from-pool` annotation. With a load_balancer_class too, every Service
 *   without a class is left to the cluster's default implementation: kuryr-services then
 *   serves only its class, which is how it runs next to OCCM without a race.
 *   Without the switch such claims only give a KuryrForeignController warning.
 */
import { HEALTH_MONITOR_ANNOTATIONS } from './health-monitor.js';
import { KEEP_FLOATING_IP_ANNOTATION } from './keep-rules.js';
import { AVAILABILITY_ZONE_ANNOTATION, FLAVOR_ID_ANNOTATION } from './placement.js';
import type { V1Service } from '@kubernetes/client-node';
import type { ServiceRef, TranslateConfig } from '../model.js';
import { serviceKey } from '../naming.js';
import { invalid, note, ok, skip, warning, type Step } from './step.js';
import type { Reason } from './translation.js';

/** cloud-provider-openstack's internal annotation: "true" = no floating IP. */
export const OCCM_INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/openstack-internal-load-balancer';
/** The same, under OCCM's `loadbalancer.openstack.org/` prefix (the name issue 9 uses). */
export const INTERNAL_ANNOTATION = 'loadbalancer.openstack.org/internal';
/** The prefix of cloud-provider-openstack's annotations. */
export const OCCM_ANNOTATION_PREFIX = 'loadbalancer.openstack.org/';
/** The finalizer the cloud-provider service controller puts on the LoadBalancer Services it serves. */
export const CLOUD_PROVIDER_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
/** Annotations other controllers write on the Services they serve. */
export const FOREIGN_MARK_ANNOTATIONS: readonly string[] = [
  'loadbalancer.openstack.org/load-balancer-id',
  'metallb.universe.tf/ip-allocated-from-pool',
  'metallb.io/ip-allocated-from-pool',
];
/** The `loadbalancer.openstack.org/*` annotations kuryr-services implements. */
export const IMPLEMENTED_OCCM_ANNOTATIONS: readonly string[] = [
  INTERNAL_ANNOTATION,
  KEEP_FLOATING_IP_ANNOTATION,
  ...HEALTH_MONITOR_ANNOTATIONS,
  FLAVOR_ID_ANNOTATION,
  AVAILABILITY_ZONE_ANNOTATION,
];

function annotationsOf(service: V1Service): Readonly<Record<string, string>> {
  return service.metadata?.annotations ?? {};
}

/** Another controller's marks on the Service: the cloud-provider finalizer and foreign annotations. */
function foreignMarks(service: V1Service): string[] {
  const finalizers: unknown = service.metadata?.finalizers;
  const marks =
    Array.isArray(finalizers) && finalizers.includes(CLOUD_PROVIDER_FINALIZER)
      ? [`finalizer ${CLOUD_PROVIDER_FINALIZER}`]
      : [];
  const annotations = annotationsOf(service);
  for (const name of FOREIGN_MARK_ANNOTATIONS) if (name in annotations) marks.push(`annotation ${name}`);
  return marks;
}

function servedClasses(config: TranslateConfig): string {
  return config.loadBalancerClass === null
    ? 'Services without a class'
    : `Services without a class and class "${config.loadBalancerClass}"`;
}

/**
 * The decision `spec.loadBalancerClass` makes on its own: invalid for a non-string, ok for
 * our class, skip for another class or (when only our class is served) for none; undefined
 * when the class leaves the decision to the foreign marks.
 */
function classDecision(cls: unknown, key: string, config: TranslateConfig): Step<null> | undefined {
  if (cls !== undefined && cls !== null && typeof cls !== 'string') {
    return invalid(`Service ${key} has a spec.loadBalancerClass that is not a string`);
  }
  if (typeof cls === 'string' && cls !== '') {
    if (cls === config.loadBalancerClass) return ok(null);
    return skip(
      `Service ${key} has spec.loadBalancerClass "${cls}": served by that class's controller, not kuryr-services (it serves ${servedClasses(config)}); no load balancer, no floating IP`,
    );
  }
  if (config.ignoreForeignServices && config.loadBalancerClass !== null) {
    return skip(
      `Service ${key} has no spec.loadBalancerClass: left to the cluster's default load balancer implementation ([kuryr_services] ignore_foreign_services = true and load_balancer_class = "${config.loadBalancerClass}": only that class is served)`,
    );
  }
  return undefined;
}

/**
 * Whether kuryr-services serves `service` (only type=LoadBalancer Services can be someone
 * else's): skip with the reason when another controller does, invalid for a non-string
 * class, otherwise ok with a KuryrForeignController warning when foreign marks are present.
 */
export function translateCoexistence(
  service: V1Service,
  ref: ServiceRef,
  config: TranslateConfig,
): Step<null> {
  if (service.spec?.type !== 'LoadBalancer') return ok(null);
  const key = serviceKey(ref);
  const byClass = classDecision(service.spec.loadBalancerClass, key, config);
  if (byClass !== undefined) return byClass;
  const marks = foreignMarks(service);
  if (marks.length === 0) return ok(null);
  if (config.ignoreForeignServices) {
    return skip(
      `Service ${key} is served by another load balancer controller (${marks.join(', ')}); [kuryr_services] ignore_foreign_services = true leaves it alone`,
    );
  }
  const message = `Service ${key} carries another load balancer controller's marks (${marks.join(', ')}): both may serve it; give it a spec.loadBalancerClass or set [kuryr_services] ignore_foreign_services = true`;
  return ok(null, [warning('KuryrForeignController', message)]);
}

/**
 * Whether a type=LoadBalancer Service is internal (no floating IP): OCCM's annotation or
 * ours, "true" or "false" in any case. Invalid for another value or when the two disagree
 * (exposing a Service the user meant to keep internal must never follow from a typo).
 * False for every other Service type.
 */
export function translateInternal(service: V1Service, ref: ServiceRef): Step<boolean> {
  if (service.spec?.type !== 'LoadBalancer') return ok(false);
  const annotations = annotationsOf(service);
  const values: boolean[] = [];
  for (const name of [OCCM_INTERNAL_ANNOTATION, INTERNAL_ANNOTATION]) {
    const text = annotations[name];
    if (text === undefined) continue;
    const value = text.trim().toLowerCase();
    if (value !== 'true' && value !== 'false') {
      return invalid(`Service ${serviceKey(ref)}: annotation ${name}="${text}" must be "true" or "false"`);
    }
    values.push(value === 'true');
  }
  if (values.length === 2 && values[0] !== values[1]) {
    return invalid(
      `Service ${serviceKey(ref)}: annotations ${OCCM_INTERNAL_ANNOTATION} and ${INTERNAL_ANNOTATION} disagree`,
    );
  }
  return ok(values[0] ?? false);
}

/**
 * One Normal note naming, sorted, the `loadbalancer.openstack.org/*` annotations that
 * kuryr-services does not implement (the text depends only on their names, so Events
 * deduplicate); none when there are none. Foreign marks are reported by translateCoexistence.
 */
export function ignoredAnnotations(service: V1Service, ref: ServiceRef): Reason[] {
  const ignored = Object.keys(annotationsOf(service))
    .filter(
      (name) =>
        name.startsWith(OCCM_ANNOTATION_PREFIX) &&
        !IMPLEMENTED_OCCM_ANNOTATIONS.includes(name) &&
        !FOREIGN_MARK_ANNOTATIONS.includes(name),
    )
    .sort();
  if (ignored.length === 0) return [];
  const message = `Service ${serviceKey(ref)}: annotations not implemented by kuryr-services, ignored: ${ignored.join(', ')}`;
  return [note('KuryrIgnoredAnnotations', message)];
}
