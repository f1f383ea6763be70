/**
 * The cluster's service CIDR: Kubernetes does not publish it, so it is taken from
 * `--service-cidr`, or inferred as the smallest CIDR holding every ClusterIP in use plus the
 * network address below the `kubernetes` Service's ClusterIP (the API server gives that
 * Service the first address of the range). The inferred CIDR lies inside the real one, so an
 * overlap found with it is real; coverage is proven only for the addresses seen. Pure.
 */
import { parseCidr, type IpFamily } from '../../core/ip.js';
import { addressValue, coveringCidr } from './ip-range.js';

/** One service CIDR (one per IP family) and how it was found. */
export interface ServiceCidr {
  readonly cidr: string;
  readonly family: IpFamily;
  /** `flag`: given with --service-cidr; `inferred`: from the ClusterIPs in use. */
  readonly source: 'flag' | 'inferred';
  /** How it was found, for the report. */
  readonly basis: string;
}

/** What the inference reads from the cluster. */
export interface ClusterIpEvidence {
  /** Every ClusterIP (`spec.clusterIPs`) of every Service, `None` left out. */
  readonly clusterIps: readonly string[];
  /** The `default/kubernetes` Service's ClusterIP, null when that Service was not found. */
  readonly kubernetesIp: string | null;
  /** How many Services the addresses came from. */
  readonly services: number;
}

/** Parses `--service-cidr` values; throws a message naming a bad one. */
export function serviceCidrsFromFlags(values: readonly string[]): ServiceCidr[] {
  return values.map((text) => {
    const parsed = parseCidr(text);
    if (parsed === null) throw new Error(`--service-cidr "${text}" is not a CIDR like 10.96.0.0/12`);
    return { cidr: parsed.cidr, family: parsed.family, source: 'flag', basis: '--service-cidr' };
  });
}

function inferFamily(family: IpFamily, evidence: ClusterIpEvidence): ServiceCidr | null {
  const values = evidence.clusterIps.flatMap((ip) => {
    const v = addressValue(ip);
    return v?.family === family ? [v.value] : [];
  });
  const kube = evidence.kubernetesIp === null ? null : addressValue(evidence.kubernetesIp);
  const withNetwork = kube?.family === family && kube.value > 0n ? [...values, kube.value - 1n] : values;
  const cidr = coveringCidr(family, withNetwork);
  if (cidr === null) return null;
  const kubeNote =
    kube?.family === family ? ` and the kubernetes Service (${evidence.kubernetesIp ?? ''})` : '';
  const basis = `inferred: the smallest CIDR holding the ${values.length} ClusterIP(s) of ${evidence.services} Service(s)${kubeNote}; the real range may be larger (pass --service-cidr)`;
  return { cidr, family, source: 'inferred', basis };
}

/** The service CIDR of each family the cluster's ClusterIPs use (IPv4 first). */
export function inferServiceCidrs(evidence: ClusterIpEvidence): ServiceCidr[] {
  return ([4, 6] as const).flatMap((family) => inferFamily(family, evidence) ?? []);
}
