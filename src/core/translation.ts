/**
 * The result type of `translate`: a desired load balancer, a skip, or a terminal error,
 * plus the warnings a user should see as Events (kuryr's reasons where they exist).
 */
import type { DesiredLoadBalancer } from './model.js';

/** Kubernetes Event reasons, kuryr's names where kuryr had one. */
export type ReasonCode =
  | 'KuryrServiceSkipped'
  | 'KuryrSkipListener'
  | 'KuryrSkipMember'
  | 'KuryrUnsupportedOption'
  | 'KuryrNoFloatingIp'
  | 'KuryrInvalidService';

/** A human-readable explanation attached to a skip, warning or error. */
export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
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
