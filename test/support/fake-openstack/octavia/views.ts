/**
 * The JSON of Octavia 11's objects (field sets and quirks captured from the test cloud):
 * `tenant_id` mirrors `project_id`; a pool without a monitor has no `healthmonitor_id` key;
 * inside a fully-populated create's answer pools carry `healthmonitor: null` and full
 * member objects, listeners carry no `loadbalancers`.
 */
import { octaviaTime } from '../time.js';
import type {
  HealthMonitorRow,
  ListenerRow,
  LoadBalancerRow,
  MemberRow,
  OctaviaRow,
  PoolRow,
} from './rows.js';

const ref = (id: string): { id: string } => ({ id });

function common(row: OctaviaRow): Record<string, unknown> {
  return {
    provisioning_status: row.provisioningStatus,
    operating_status: row.operatingStatus,
    admin_state_up: row.adminStateUp,
    project_id: row.projectId,
    created_at: octaviaTime(row.createdAt),
    updated_at: row.updatedAt === null ? null : octaviaTime(row.updatedAt),
  };
}

/** A load balancer's JSON (children as id references). */
export function loadBalancerView(lb: LoadBalancerRow): Record<string, unknown> {
  return {
    id: lb.id,
    name: lb.name,
    description: lb.description,
    ...common(lb),
    vip_address: lb.vipAddress,
    vip_port_id: lb.vipPortId,
    vip_subnet_id: lb.vipSubnetId,
    vip_network_id: lb.vipNetworkId,
    additional_vips: [],
    listeners: lb.listenerIds.map(ref),
    pools: lb.poolIds.map(ref),
    provider: lb.provider,
    flavor_id: null,
    vip_qos_policy_id: null,
    tags: [...lb.tags],
    availability_zone: null,
    tenant_id: lb.projectId,
  };
}

/** A listener's JSON. */
export function listenerView(l: ListenerRow): Record<string, unknown> {
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    ...common(l),
    protocol: l.protocol,
    protocol_port: l.protocolPort,
    connection_limit: l.connectionLimit,
    default_tls_container_ref: null,
    sni_container_refs: [],
    default_pool_id: l.defaultPoolId,
    l7policies: [],
    insert_headers: { ...l.insertHeaders },
    loadbalancers: [ref(l.lbId)],
    timeout_client_data: l.timeoutClientData,
    timeout_member_connect: l.timeoutMemberConnect,
    timeout_member_data: l.timeoutMemberData,
    timeout_tcp_inspect: l.timeoutTcpInspect,
    tags: [...l.tags],
    client_ca_tls_container_ref: null,
    client_authentication: 'NONE',
    client_crl_container_ref: null,
    allowed_cidrs: l.allowedCidrs === null ? null : [...l.allowedCidrs],
    tls_ciphers: null,
    tls_versions: null,
    alpn_protocols: null,
    tenant_id: l.projectId,
  };
}

function persistence(p: PoolRow): Record<string, unknown> | null {
  const sp = p.sessionPersistence;
  if (sp === null) return null;
  return {
    type: sp.type,
    cookie_name: sp.cookieName,
    persistence_timeout: sp.persistenceTimeout,
    persistence_granularity: sp.persistenceGranularity,
  };
}

/** A pool's JSON. */
export function poolView(p: PoolRow): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    ...common(p),
    protocol: p.protocol,
    lb_algorithm: p.lbAlgorithm,
    session_persistence: persistence(p),
    loadbalancers: [ref(p.lbId)],
    listeners: p.listenerIds.map(ref),
    ...(p.healthMonitorId === null ? {} : { healthmonitor_id: p.healthMonitorId }),
    members: p.memberIds.map(ref),
    tags: [...p.tags],
    tls_container_ref: null,
    ca_tls_container_ref: null,
    crl_container_ref: null,
    tls_enabled: false,
    tls_ciphers: null,
    tls_versions: null,
    alpn_protocols: null,
    tenant_id: p.projectId,
  };
}

/** A member's JSON. */
export function memberView(m: MemberRow): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    operating_status: m.operatingStatus,
    provisioning_status: m.provisioningStatus,
    admin_state_up: m.adminStateUp,
    address: m.address,
    protocol_port: m.protocolPort,
    weight: m.weight,
    backup: m.backup,
    subnet_id: m.subnetId,
    project_id: m.projectId,
    created_at: octaviaTime(m.createdAt),
    updated_at: m.updatedAt === null ? null : octaviaTime(m.updatedAt),
    monitor_address: m.monitorAddress,
    monitor_port: m.monitorPort,
    tags: [...m.tags],
    tenant_id: m.projectId,
  };
}

/** A health monitor's JSON. */
export function healthMonitorView(h: HealthMonitorRow): Record<string, unknown> {
  return {
    id: h.id,
    name: h.name,
    type: h.type,
    delay: h.delay,
    timeout: h.timeout,
    max_retries: h.maxRetries,
    max_retries_down: h.maxRetriesDown,
    http_method: h.httpMethod,
    url_path: h.urlPath,
    expected_codes: h.expectedCodes,
    admin_state_up: h.adminStateUp,
    project_id: h.projectId,
    pools: [ref(h.poolId)],
    provisioning_status: h.provisioningStatus,
    operating_status: h.operatingStatus,
    created_at: octaviaTime(h.createdAt),
    updated_at: h.updatedAt === null ? null : octaviaTime(h.updatedAt),
    tags: [...h.tags],
    http_version: h.httpVersion,
    domain_name: h.domainName,
    tenant_id: h.projectId,
  };
}

/** `view` without `keys`. */
export function omit(view: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(view).filter(([k]) => !keys.includes(k)));
}

/** A pool as nested in a fully-populated create's answer. */
export function fullPoolView(p: PoolRow, members: readonly MemberRow[]): Record<string, unknown> {
  const rest = omit(poolView(p), ['loadbalancers', 'healthmonitor_id', 'members']);
  return { members: members.map(memberView), healthmonitor: null, ...rest };
}

/** A listener as nested in a fully-populated create's answer. */
export function fullListenerView(l: ListenerRow): Record<string, unknown> {
  return { l7policies: [], ...omit(listenerView(l), ['loadbalancers', 'l7policies']) };
}
