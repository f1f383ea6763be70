/**
 * The port steps of `translate`: read and validate `spec.ports`, keep one entry per
 * (protocol, port), and drop what the target Octavia cannot do (with a KuryrSkipListener
 * warning each). Each surviving port becomes one listener and one pool.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import {
  MIXED_PROTOCOL_PORT_API,
  SCTP_API,
  formatApiVersion,
  supportsMixedProtocolPort,
  supportsProtocol,
} from '../capabilities.js';
import {
  PROTOCOLS,
  type CapabilityProfile,
  type LbProtocol,
  type Protocol,
  type ServiceRef,
} from '../model.js';
import { serviceKey } from '../naming.js';
import type { Reason } from './translation.js';
import { invalid, ok, skip, warning, type Step } from './step.js';

/** One validated Service port. `name` is '' when unnamed. */
export interface ServicePortSpec {
  readonly name: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/** True for an integer in 1..65535. */
export function isValidPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Orders by protocol name, then port number (the order of listeners in a DesiredLoadBalancer). */
export function compareProtocolPort(
  a: { readonly protocol: LbProtocol; readonly protocolPort: number },
  b: { readonly protocol: LbProtocol; readonly protocolPort: number },
): number {
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  return a.protocolPort - b.protocolPort;
}

/** Reads `spec.ports`; invalid naming the port when a number or protocol is wrong. */
export function readServicePorts(service: V1Service, ref: ServiceRef): Step<ServicePortSpec[]> {
  const specs: ServicePortSpec[] = [];
  const warnings: Reason[] = [];
  for (const [index, port] of (service.spec?.ports ?? []).entries()) {
    const step = readServicePort(port, `Service ${serviceKey(ref)} spec.ports[${index}]`);
    if (!step.ok) return step;
    const spec = step.value;
    if (specs.some((s) => s.protocol === spec.protocol && s.port === spec.port)) {
      const message = `Service ${serviceKey(ref)}: ${spec.protocol} port ${spec.port} is listed twice; using the first entry`;
      warnings.push(warning('KuryrSkipListener', message));
      continue;
    }
    specs.push(spec);
  }
  return ok(specs, warnings);
}

function readServicePort(port: V1ServicePort, where: string): Step<ServicePortSpec> {
  const protocol = port.protocol ?? 'TCP';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    return invalid(
      `${where} has an unsupported protocol "${protocol}" (expected one of ${PROTOCOLS.join(', ')})`,
    );
  }
  if (!isValidPort(port.port)) return invalid(`${where} has port ${String(port.port)} outside 1..65535`);
  const target = port.targetPort;
  if (typeof target === 'number' && !isValidPort(target)) {
    return invalid(`${where} has targetPort ${String(target)} outside 1..65535`);
  }
  if (target === '') return invalid(`${where} has an empty targetPort name`);
  return ok({ name: port.name ?? '', protocol: protocol as Protocol, port: port.port });
}

/**
 * Keeps the ports the profile supports. Unsupported protocols are dropped; when one port
 * number carries several protocols and the profile cannot mix them, the first protocol in
 * TCP, UDP, SCTP order stays. Skip when nothing is left.
 */
export function selectSupportedPorts(
  ports: readonly ServicePortSpec[],
  profile: CapabilityProfile,
  ref: ServiceRef,
): Step<ServicePortSpec[]> {
  const key = serviceKey(ref);
  const warnings: Reason[] = [];
  const supported = ports.filter((p) => {
    if (supportsProtocol(profile, p.protocol)) return true;
    warnings.push(
      warning(
        'KuryrSkipListener',
        `Service ${key}: ${p.protocol} port ${p.port} skipped: ${protocolGap(profile, p.protocol)}`,
      ),
    );
    return false;
  });
  const kept = supportsMixedProtocolPort(profile)
    ? supported
    : supported.filter((p) => {
        const winner = firstProtocolOnPort(supported, p.port);
        if (winner === p.protocol) return true;
        const why = `${p.protocol} port ${p.port} skipped: port ${p.port} is already used by ${winner} and ${mixedGap(profile)}`;
        warnings.push(warning('KuryrSkipListener', `Service ${key}: ${why}`));
        return false;
      });
  if (kept.length === 0) {
    return skip(`Service ${key}: no port can be load balanced: ${warnings.map((w) => w.message).join('; ')}`);
  }
  return ok(kept, warnings);
}

function firstProtocolOnPort(ports: readonly ServicePortSpec[], port: number): Protocol | undefined {
  return PROTOCOLS.find((protocol) => ports.some((p) => p.port === port && p.protocol === protocol));
}

function protocolGap(profile: CapabilityProfile, protocol: Protocol): string {
  if (profile.legacyLbaasV2) return `the legacy Neutron LBaaS v2 API does not support ${protocol}`;
  return `${protocol} needs Octavia API ${formatApiVersion(SCTP_API)}, this Octavia has ${formatApiVersion(profile.apiVersion)}`;
}

function mixedGap(profile: CapabilityProfile): string {
  if (profile.legacyLbaasV2) return 'the legacy Neutron LBaaS v2 API cannot mix protocols on one port';
  const needed = formatApiVersion(MIXED_PROTOCOL_PORT_API);
  return `mixing protocols on one port needs Octavia API ${needed}, this Octavia has ${formatApiVersion(profile.apiVersion)}`;
}
