import { describe, expect, it } from 'vitest';
import {
  EndpointNotFoundError,
  findEndpoint,
  type Catalog,
} from '../../../src/openstack/keystone/catalog.js';
import {
  authRequestBody,
  describeCredentials,
  identityV3Root,
} from '../../../src/openstack/keystone/credentials.js';
import { isVersionedUrl, pickVersion } from '../../../src/openstack/keystone/discovery.js';

const CATALOG: Catalog = [
  {
    type: 'load-balancer',
    endpoints: [
      { interface: 'public', url: 'http://pub/lb', region_id: 'R1', region: 'R1' },
      { interface: 'internal', url: 'http://int/lb', region_id: 'R1', region: 'R1' },
      { interface: 'public', url: 'http://pub2/lb', region_id: 'R2', region: 'R2' },
    ],
  },
  { type: 'network', endpoints: [{ interface: 'adminURL', url: 'http://adm/net', region: 'R1' }] },
];

describe('findEndpoint', () => {
  it.each([
    ['load-balancer', 'public', undefined, 'http://pub/lb'],
    ['load-balancer', 'internal', undefined, 'http://int/lb'],
    ['load-balancer', 'public', 'R2', 'http://pub2/lb'],
    ['network', 'admin', 'R1', 'http://adm/net'], // legacy "adminURL" spelling, region by name
  ] as const)('%s/%s/%s', (serviceType, iface, region, url) => {
    expect(findEndpoint(CATALOG, { serviceType, interface: iface, region })).toBe(url);
  });

  it('throws EndpointNotFoundError listing what the catalog has', () => {
    expect(() =>
      findEndpoint(CATALOG, { serviceType: 'load-balancer', interface: 'admin', region: 'R1' }),
    ).toThrow(EndpointNotFoundError);
    expect(() => findEndpoint(CATALOG, { serviceType: 'dns', interface: 'public' })).toThrow(
      /dns catalog.lookup has no endpoint: no public endpoint in the service catalog \(catalog has: load-balancer\/public\/R1/,
    );
  });
});

describe('credentials', () => {
  it('builds an application credential body by name for a user id', () => {
    expect(
      authRequestBody({
        kind: 'application-credential',
        credential: { name: 'n', user: { id: 'u' } },
        secret: 's',
      }),
    ).toEqual({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { name: 'n', user: { id: 'u' }, secret: 's' },
        },
      },
    });
  });

  it('builds a password body scoped by project id and describes it without the secret', () => {
    const creds = { kind: 'password', user: { id: 'u1' }, password: 'pw', project: { id: 'p1' } } as const;
    expect(authRequestBody(creds)).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { id: 'u1', password: 'pw' } } },
        scope: { project: { id: 'p1' } },
      },
    });
    expect(describeCredentials(creds)).toBe('user u1 in project p1');
  });

  it.each([
    ['http://k:5000', 'http://k:5000/v3'],
    ['http://k/identity/', 'http://k/identity/v3'],
    ['http://k:5000/v3/', 'http://k:5000/v3'],
  ])('identityV3Root(%s)', (input, expected) => {
    expect(identityV3Root(input)).toBe(expected);
  });

  it('rejects a v2.0 auth URL', () => {
    expect(() => identityV3Root('http://k:5000/v2.0')).toThrow(/v2.0/);
  });
});

describe('version discovery', () => {
  const octavia = {
    versions: [
      { id: 'v2.0', status: 'SUPPORTED', links: [{ href: 'http://o/load-balancer/v2', rel: 'self' }] },
      { id: 'v2.27', status: 'CURRENT', links: [{ href: 'http://o/load-balancer/v2/', rel: 'self' }] },
    ],
  };
  const neutron = {
    versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ href: 'http://n:9696/v2.0/', rel: 'self' }] }],
  };
  const keystone = {
    versions: {
      values: [{ id: 'v3.14', status: 'stable', links: [{ href: 'http://k/v3/', rel: 'self' }] }],
    },
  };

  it.each([
    ['Octavia (CURRENT wins)', octavia, 2, { id: 'v2.27', url: 'http://o/load-balancer/v2' }],
    ['Neutron', neutron, 2, { id: 'v2.0', url: 'http://n:9696/v2.0' }],
    ['Keystone values[]', keystone, 3, { id: 'v3.14', url: 'http://k/v3' }],
    [
      'versioned root document',
      { version: { id: 'v2.0', links: [{ rel: 'self', href: 'http://n/v2.0' }] } },
      2,
      { id: 'v2.0' },
    ],
  ])('%s', (_name, doc, major, expected) => {
    expect(pickVersion(doc, major)).toMatchObject(expected);
  });

  it('returns null when no version of that major (or no document) is advertised', () => {
    expect(pickVersion(neutron, 3)).toBeNull();
    expect(pickVersion('<html>', 2)).toBeNull();
    expect(pickVersion({ versions: [{ id: 'v20', links: [{ rel: 'self', href: 'x' }] }] }, 2)).toBeNull();
  });

  it.each([
    ['http://n:9696/', false],
    ['http://o/load-balancer', false],
    ['http://n:9696/v2.0', true],
    ['http://o/load-balancer/v2/', true],
  ])('isVersionedUrl(%s) = %s', (url, expected) => {
    expect(isVersionedUrl(url)).toBe(expected);
  });
});
