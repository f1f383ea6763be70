/**
 * The result type of `translate`: a desired load balancer, a skip, or a terminal error,
 * plus the warnings a user should see as Events (kuryr's reasons where they exist).
 */
import type { DesiredLoadBalancer } from '../model.js';

/** Kubernetes Event reasons, kuryr's names where kuryr had one. */
export type ReasonCode =
  | 'KuryrServiceSkipped'
  | 'KuryrSkipListener'
  | 'KuryrSkipMember'
  | 'KuryrUnsupportedOption'
  | 'KuryrNoFloatingIp'
  | 'KuryrInvalidService'
  /** Another load balancer controller's marks are on a Service we serve (Warning). */
  | 'KuryrForeignController'
  /** `loadbalancer.openstack.org/*` annotations kuryr-services does not implement (Normal). */
  | 'KuryrIgnoredAnnotations';

/**
 * A human-readable explanation attached to a skip, warning or error. Messages of warnings
 * are stable (the same inputs give the same text) so repeated Events deduplicate.
 */
export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
  /**
   * The Event type to record a `desired` result's warning with; absent = Warning. Only
   * informational notes (KuryrIgnoredAnnotations) are Normal.
   */
  readonly eventType?: 'Normal';
}

export type Translation =
  /** The Service gets this load balancer (warnings: parts skipped, options ignored). */
  | {
      readonly kind: 'desired';
      readonly loadBalancer: DesiredLoadBalancer;
      readonly warnings: readonly Reason[];
    }
  /** The Service is not ours to implement (headless, ExternalName...): no load balancer. */
  | { readonly kind: 'skip'; readonly reason: Reason }
  /** The Service can never work as written: surface once, do not retry until it changes. */
  | { readonly kind: 'invalid'; readonly reason: Reason };
