/**
 * The trees the floor client sends: the bench's Services put through the controller's own
 * translation (src/core/translate), so the floor POSTs exactly the bodies the controller
 * would (same listeners, pools, members, tags layout, floating IP intent), under an owner of
 * its own (a cluster id the controller never claims) and in a namespace of its own.
 */
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../src/app/config/kuryr-conf.js';
import { capabilityProfileFrom, translateConfigFrom } from '../../src/app/config/translate-config.js';
import { loadBalancerDescription } from '../../src/core/naming.js';
import type { Owner } from '../../src/core/ownership.js';
import { translate } from '../../src/core/translate/translate.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import type { LoadBalancerBody } from '../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { loadCloudContext } from '../../src/services/context.js';
import type { BenchService } from './workload.js';

/** One tree of the floor run: the fully-populated POST body and the Pool floating IP, if any. */
export interface FloorTree {
  /** The bench Service it stands for. */
  readonly name: string;
  readonly body: { readonly loadbalancer: LoadBalancerBody };
  readonly floatingIp: {
    readonly networkId: string;
    readonly subnetId?: string;
    readonly description: string;
    readonly tags: readonly string[];
  } | null;
}

/** The namespace the floor's Services are translated in (their load balancers are `floor/<name>`). */
export const FLOOR_NAMESPACE = 'floor';

/**
 * Translates `services` as the controller would for `owner`; throws naming the Service when
 * one does not translate (the workload is ours: it always should).
 */
export async function floorTrees(
  session: OpenStackSession,
  source: { readonly config: AppConfig; readonly owner: Owner; readonly services: readonly BenchService[] },
): Promise<FloorTree[]> {
  const { config, owner } = source;
  const cloud = await loadCloudContext({
    session,
    project: config.neutron.project,
    serviceSubnetIds: config.neutron.serviceSubnetIds,
    podSubnetIds: config.neutron.podSubnetIds,
    provider: config.octavia.provider,
  });
  const context = {
    config: translateConfigFrom(config, owner),
    network: cloud.network,
    capabilities: capabilityProfileFrom(config, cloud.apiVersion),
  };
  return source.services.map((s) => {
    const service = structuredClone(s.service);
    service.metadata = Object.assign(service.metadata ?? {}, {
      namespace: FLOOR_NAMESPACE,
      uid: randomUUID(),
    });
    const slice = structuredClone(s.slice);
    slice.metadata = Object.assign(slice.metadata ?? {}, { namespace: FLOOR_NAMESPACE });
    const t = translate({ ...context, service, slices: [slice] });
    if (t.kind !== 'desired') throw new Error(`floor: ${s.name} does not translate: ${t.reason.message}`);
    const lb = t.loadBalancer;
    const fip = lb.floatingIp;
    return {
      name: s.name,
      body: loadbalancers.buildCreateBody(lb),
      floatingIp:
        fip?.method === 'pool'
          ? {
              networkId: fip.networkId,
              ...(fip.subnetId === undefined ? {} : { subnetId: fip.subnetId }),
              description: loadBalancerDescription(owner, lb.service),
              tags: lb.tags,
            }
          : null,
    };
  });
}
