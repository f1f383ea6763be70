/**
 * What the chaos run wants: one slot per Service name (`chaos-<i>`), alive or not, with its
 * kind, ports, endpoints and ClusterIP, and the uid of its current incarnation. The churn
 * changes slots and writes them to the API server the way a user (and the EndpointSlice
 * controller) would; the end checks compare the cloud with the alive slots.
 */
import type { V1EndpointSlice, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Rng } from './prng.js';

/** The Services' namespace. */
export const NS = 'default';

/** One Service port: its name, port, and the pod port it targets. */
export interface SlotPort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
}

/** One Service name and what it should be now. */
export interface Slot {
  readonly name: string;
  alive: boolean;
  kind: 'ClusterIP' | 'LoadBalancer';
  ports: SlotPort[];
  podIps: string[];
  clusterIP: string;
  /** The uid of the live incarnation ('' before the first create answered). */
  uid: string;
  /** How many times it was created. */
  incarnations: number;
}

/** The pod ports every slice offers (a Service's ports pick among them by name). */
export const POD_PORTS: readonly SlotPort[] = [
  { name: 'p0', port: 80, targetPort: 8080 },
  { name: 'p1', port: 443, targetPort: 8443 },
];

/** Draws ClusterIPs and pod IPs, never the same one twice in a run. */
export class Addresses {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {}

  /** A fresh ClusterIP in 10.2.96.0/19 (inside the simulated server's 10.2.0.0/17). */
  clusterIp(): string {
    return this.fresh(() => `10.2.${this.rng.int(96, 127)}.${this.rng.int(2, 254)}`);
  }

  /** A fresh pod IP in 10.1.160.0/19. */
  podIp(): string {
    return this.fresh(() => `10.1.${this.rng.int(160, 191)}.${this.rng.int(2, 254)}`);
  }

  private fresh(draw: () => string): string {
    for (;;) {
      const ip = draw();
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
  }
}

/** A new, dead slot `chaos-<i>`. */
export function emptySlot(i: number): Slot {
  return {
    name: `chaos-${i}`,
    alive: false,
    kind: 'ClusterIP',
    ports: [],
    podIps: [],
    clusterIP: '',
    uid: '',
    incarnations: 0,
  };
}

/** 1-3 fresh pod IPs. */
export function drawPods(rng: Rng, addresses: Addresses): string[] {
  return Array.from({ length: rng.int(1, 3) }, () => addresses.podIp());
}

/** One or both pod ports, the first one's Service port sometimes moved. */
export function drawPorts(rng: Rng): SlotPort[] {
  const [first, second] = POD_PORTS;
  if (first === undefined || second === undefined) return [];
  const p0 = { ...first, port: rng.pick([80, 8000, 9000]) };
  return rng.chance(0.3) ? [p0, second] : [p0];
}

/** The Service manifest of `slot`. */
export function serviceBody(slot: Slot): V1Service {
  const ports: V1ServicePort[] = slot.ports.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort,
    protocol: 'TCP',
  }));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: slot.name, namespace: NS },
    spec: { type: slot.kind, clusterIP: slot.clusterIP, ports },
  };
}

/** The EndpointSlice of `slot`: its pod IPs, ready, on every pod port. */
export function sliceBody(slot: Slot): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${slot.name}-slice`,
      namespace: NS,
      labels: { 'kubernetes.io/service-name': slot.name },
    },
    addressType: 'IPv4',
    endpoints: slot.podIps.map((ip, i) => ({
      addresses: [ip],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: NS, name: `${slot.name}-pod-${i}` },
    })),
    ports: POD_PORTS.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' })),
  };
}
