/**
 * The benchmark's 20 Services: mostly TCP (single and multi-port), some UDP, some
 * type=LoadBalancer (Pool floating IP), with ClusterIPs in 10.2.100.0-10.2.127.255 (a
 * random /24 of it, so concurrent runs on the same cloud rarely collide) and two ready
 * endpoints each in the pod subnet.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { serviceManifest, sliceManifest } from '../../test/support/e2e-harness.js';

/** One Service of the workload and its endpoints. */
export interface BenchService {
  readonly name: string;
  readonly kind: 'tcp' | 'tcp-multi' | 'udp' | 'loadbalancer';
  readonly service: V1Service;
  readonly slice: V1EndpointSlice;
  /** Members expected once ACTIVE (endpoints × ports). */
  readonly members: number;
  readonly podPrefix: string;
  readonly ports: readonly { name: string; port: number; protocol: string }[];
}

const KINDS: readonly BenchService['kind'][] = [
  ...Array<BenchService['kind']>(10).fill('tcp'),
  ...Array<BenchService['kind']>(4).fill('tcp-multi'),
  ...Array<BenchService['kind']>(3).fill('udp'),
  ...Array<BenchService['kind']>(3).fill('loadbalancer'),
];

function portsOf(kind: BenchService['kind']) {
  if (kind === 'tcp-multi')
    return [
      { name: 'http', port: 80, target: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, target: 8443, protocol: 'TCP' },
    ];
  if (kind === 'udp') return [{ name: 'dns', port: 53, target: 5353, protocol: 'UDP' }];
  return [{ name: 'http', port: 80, target: 8080, protocol: 'TCP' }];
}

/** Builds the workload; `octet` (100..127) picks the ClusterIP /24, `tag` makes names unique. */
export function buildWorkload(octet: number, tag: string): BenchService[] {
  return KINDS.map((kind, i) => {
    const name = `bench-${tag}-${String(i).padStart(2, '0')}`;
    const ports = portsOf(kind);
    const podPrefix = `10.1.${octet}`;
    const ips = [`${podPrefix}.${i * 10 + 1}`, `${podPrefix}.${i * 10 + 2}`];
    const service = serviceManifest(name, {
      type: kind === 'loadbalancer' ? 'LoadBalancer' : 'ClusterIP',
      clusterIP: `10.2.${octet}.${10 + i}`,
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.target, protocol: p.protocol })),
    });
    const slicePorts = ports.map((p) => ({ name: p.name, port: p.target, protocol: p.protocol }));
    return {
      name,
      kind,
      service,
      slice: sliceManifest(name, ips, slicePorts),
      members: ips.length * ports.length,
      podPrefix,
      ports: slicePorts,
    };
  });
}

/** The Service's slice with one more ready endpoint (the scale event). */
export function scaledSlice(svc: BenchService, index: number): V1EndpointSlice {
  const ips = [1, 2, 3].map((k) => `${svc.podPrefix}.${index * 10 + k}`);
  return sliceManifest(svc.name, ips, svc.ports);
}
