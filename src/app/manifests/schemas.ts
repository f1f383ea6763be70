/**
 * The shape checks a manifest must pass before the core sees it: the fields `translate`
 * reads, with the types and ranges the Kubernetes API server enforces. Unknown fields pass.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string({ error: 'must be a string' }));
const portNumber = z
  .number({ error: 'must be a port number' })
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be within 1-65535' })
  .max(65535, { error: 'must be within 1-65535' });
const protocol = z.enum(['TCP', 'UDP', 'SCTP'], { error: 'must be TCP, UDP or SCTP' });

const metadata = z.looseObject(
  {
    name: z.string({ error: 'required (a string)' }).min(1, { error: 'must not be empty' }),
    namespace: z.string().min(1).optional(),
    uid: z.string().min(1).optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  },
  { error: 'required (an object with a name)' },
);

const servicePort = z.looseObject({
  name: z.string().optional(),
  protocol: protocol.optional(),
  port: portNumber,
  targetPort: z.union([portNumber, z.string().min(1)], { error: 'must be a port number or name' }).optional(),
  nodePort: z.number().int().min(0).max(65535).optional(),
});

const serviceSpec = z.looseObject({
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  ports: z.array(servicePort).optional(),
  selector: stringMap.optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: z
    .looseObject({
      clientIP: z.looseObject({ timeoutSeconds: z.number().int().min(1).max(86400).optional() }).optional(),
    })
    .optional(),
  externalName: z.string().optional(),
});

/** A core v1 Service. */
export const serviceSchema = z.looseObject({ metadata, spec: serviceSpec.optional() });

const objectReference = z.looseObject({ kind: z.string().optional(), name: z.string().optional() });

const sliceEndpoint = z.looseObject({
  addresses: z.array(z.string()).min(1, { error: 'must list at least one address' }),
  conditions: z
    .looseObject({
      ready: z.boolean().optional(),
      serving: z.boolean().optional(),
      terminating: z.boolean().optional(),
    })
    .optional(),
  targetRef: objectReference.optional(),
});

/** A discovery.k8s.io/v1 EndpointSlice. */
export const endpointSliceSchema = z.looseObject({
  metadata,
  addressType: z.enum(['IPv4', 'IPv6', 'FQDN'], { error: 'must be IPv4, IPv6 or FQDN' }),
  endpoints: z.array(sliceEndpoint).optional(),
  ports: z
    .array(
      z.looseObject({
        name: z.string().optional(),
        protocol: protocol.optional(),
        port: portNumber.optional(),
      }),
    )
    .optional(),
});

const endpointAddress = z.looseObject({
  ip: z.string({ error: 'required (a string)' }),
  targetRef: objectReference.optional(),
});

/** A core v1 Endpoints. */
export const endpointsSchema = z.looseObject({
  metadata,
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(endpointAddress).optional(),
        notReadyAddresses: z.array(endpointAddress).optional(),
        ports: z
          .array(
            z.looseObject({ name: z.string().optional(), protocol: protocol.optional(), port: portNumber }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** Formats a zod issue path as `spec.ports[0].port`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
