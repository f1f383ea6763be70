/**
 * The observed part of the KuryrLoadBalancer status in kuryr's shape: every key kuryr's schema
 * requires is written (kuryr reads the record back after a rollback), no key is null where
 * kuryr's schema has no nullable, and what we do not observe ourselves (the VIP port's
 * security groups) is kept from the record as kuryr or an earlier pass left it. Pure.
 */
import type { ObservedLoadBalancer } from '../core/model.js';
import type { ServingFloatingIp } from '../core/plan/decision.js';
import type { KlbPubIpInfo, KlbStatus, KlbStatusListener } from '../kube/klb.js';

/** What the observed part of the status is built from. */
export interface ObservedStatusInput {
  readonly lb: ObservedLoadBalancer;
  /** The project the load balancer was found in (every ownership list is scoped to it). */
  readonly projectId: string;
  /** The status the record holds now (kuryr's or ours). */
  readonly previous: KlbStatus | undefined;
}

type ObservedPart = Required<Pick<KlbStatus, 'loadbalancer' | 'listeners' | 'pools' | 'members'>>;

function listenerStatus(
  l: ObservedLoadBalancer['listeners'][number],
  lbId: string,
  projectId: string,
): KlbStatusListener {
  return {
    id: l.id,
    name: l.name,
    port: l.protocolPort,
    protocol: l.protocol,
    loadbalancer_id: lbId,
    project_id: projectId,
    ...(l.timeoutClientData === null ? {} : { timeout_client_data: l.timeoutClientData }),
    ...(l.timeoutMemberData === null ? {} : { timeout_member_data: l.timeoutMemberData }),
  };
}

/**
 * The record's view of `lb` and its children. `port_id` falls back to the record's value for
 * the same load balancer, then ''; `security_groups` to the observed VIP port's, then the
 * record's for the same load balancer, then []; a pool no listener uses gets `listener_id` ''
 * and a member without subnet the VIP subnet (where Octavia reaches it then).
 */
export function observedStatus(input: ObservedStatusInput): ObservedPart {
  const { lb, projectId } = input;
  const before = input.previous?.loadbalancer?.id === lb.id ? input.previous.loadbalancer : undefined;
  return {
    loadbalancer: {
      id: lb.id,
      ip: lb.vipAddress,
      name: lb.name,
      port_id: lb.vipPortId ?? before?.port_id ?? '',
      project_id: projectId,
      security_groups: lb.vipSecurityGroupIds ?? before?.security_groups ?? [],
      subnet_id: lb.vipSubnetId,
      provider: lb.provider,
      provisioning_status: lb.provisioningStatus,
      ...(lb.operatingStatus === undefined ? {} : { operating_status: lb.operatingStatus }),
    },
    listeners: lb.listeners.map((l) => listenerStatus(l, lb.id, projectId)),
    pools: lb.pools.map((p) => ({
      id: p.id,
      name: p.name,
      protocol: p.protocol,
      listener_id: p.listenerId ?? '',
      loadbalancer_id: lb.id,
      project_id: projectId,
    })),
    members: lb.pools.flatMap((p) =>
      p.members.map((m) => ({
        id: m.id,
        name: m.name,
        ip: m.address,
        port: m.protocolPort,
        pool_id: p.id,
        subnet_id: m.subnetId ?? lb.vipSubnetId,
        project_id: projectId,
      })),
    ),
  };
}

/**
 * What the record holds of a load balancer kuryr wrote (its `status.loadbalancer` lacks the
 * `provisioning_status` every write of ours carries), kept while we observe no load balancer of
 * ours: its id is the evidence adoption reads, and a rollback to kuryr finds its record. A
 * load balancer block of ours is not kept (we observed it gone). Empty when there is none.
 */
export function keptKuryrTree(previous: KlbStatus | undefined): KlbStatus {
  const lb = previous?.loadbalancer;
  if (previous === undefined || lb === undefined || lb.provisioning_status !== undefined) return {};
  const { listeners, pools, members } = previous;
  return {
    loadbalancer: lb,
    ...(listeners === undefined ? {} : { listeners }),
    ...(pools === undefined ? {} : { pools }),
    ...(members === undefined ? {} : { members }),
  };
}

/**
 * `status.service_pub_ip_info`: the serving floating IP; while one is wanted but none serves
 * yet (being created, or kuryr's not yet taken over), the record's value is kept — it is the
 * evidence adoption reads; when none is wanted, absent (never null).
 */
export function pubIpInfo(
  serving: ServingFloatingIp | null,
  wanted: boolean,
  previous: KlbStatus | undefined,
): { service_pub_ip_info?: KlbPubIpInfo } {
  if (serving !== null) {
    return {
      service_pub_ip_info: {
        ip_id: serving.ip.id,
        ip_addr: serving.ip.address,
        alloc_method: serving.method,
      },
    };
  }
  // A record written before this shape may hold null (the type describes what we write).
  const kept = previous?.service_pub_ip_info as KlbPubIpInfo | null | undefined;
  return wanted && kept !== undefined && kept !== null ? { service_pub_ip_info: kept } : {};
}
