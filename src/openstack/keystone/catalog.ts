/**
 * The service catalog of a Keystone v3 token and endpoint selection by service type,
 * interface and region.
 */
import { z } from 'zod';
import { OpenStackError } from '../errors.js';

/** Which of a service's endpoints to use. */
export type EndpointInterface = 'public' | 'internal' | 'admin';

const endpointSchema = z.object({
  interface: z.string(),
  url: z.string(),
  region: z.string().nullish(),
  region_id: z.string().nullish(),
});

/** Schema of `token.catalog`. */
export const catalogSchema = z.array(
  z.object({
    type: z.string(),
    name: z.string().optional(),
    endpoints: z.array(endpointSchema),
  }),
);

/** A parsed catalog. */
export type Catalog = z.infer<typeof catalogSchema>;

/** How to pick an endpoint. */
export interface EndpointQuery {
  readonly serviceType: string;
  readonly interface: EndpointInterface;
  /** When set, only endpoints of this region (by `region_id` or `region`) qualify. */
  readonly region?: string | undefined;
}

/** The catalog has no endpoint for the query. Terminal: configuration or deployment problem. */
export class EndpointNotFoundError extends OpenStackError {
  override name = 'EndpointNotFoundError';
  constructor(query: EndpointQuery, available: string) {
    const region = query.region === undefined ? '' : ` in region ${query.region}`;
    super(
      {
        service: query.serviceType,
        operation: 'catalog.lookup',
        status: null,
        faultString: `no ${query.interface} endpoint${region} in the service catalog (catalog has: ${available || 'nothing'})`,
      },
      'has no endpoint',
    );
  }
}

function summary(catalog: Catalog): string {
  return catalog
    .flatMap((svc) =>
      svc.endpoints.map((ep) => `${svc.type}/${ep.interface}/${ep.region_id ?? ep.region ?? '-'}`),
    )
    .join(', ');
}

/** The URL of the endpoint matching `query`; throws `EndpointNotFoundError` when none does. Pure. */
export function findEndpoint(catalog: Catalog, query: EndpointQuery): string {
  for (const service of catalog) {
    if (service.type !== query.serviceType) continue;
    for (const ep of service.endpoints) {
      // Pre-Queens catalogs spell interfaces `publicURL` etc.
      const iface = ep.interface.replace(/URL$/, '');
      if (iface !== query.interface) continue;
      if (query.region !== undefined && ep.region_id !== query.region && ep.region !== query.region) continue;
      return ep.url;
    }
  }
  throw new EndpointNotFoundError(query, summary(catalog));
}
