import { anOwner } from '../../support/builders.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_NAME_LENGTH,
  fitName,
  listenerName,
  loadBalancerDescription,
  loadBalancerName,
  markedService,
  memberName,
  parseDescriptionMarker,
  poolName,
  writerDigest,
} from '../../../src/core/naming.js';

const ref = { namespace: 'default', name: 'web', uid: '6f1f2b7e-0000-4000-8000-000000000001' };

describe('names (kuryr-kubernetes scheme)', () => {
  it('names the load balancer, listeners, pools and members', () => {
    expect(loadBalancerName(ref)).toBe('default/web');
    expect(listenerName(ref, 'UDP', 53)).toBe('default/web:UDP:53');
    expect(poolName(ref, 'TCP', 80)).toBe('default/web:TCP:80');
    expect(memberName({ namespace: 'prod', name: 'web-7d9-x2' }, 8080)).toBe('prod/web-7d9-x2:8080');
    expect(loadBalancerDescription(anOwner('c1'), ref)).toBe(
      `kuryr-services: default/web (uid 6f1f2b7e-0000-4000-8000-000000000001, cluster c1, writer ${writerDigest('writer-c1')})`,
    );
  });

  it('cuts a member name of a 253-character pod name to 255 with a digest suffix', () => {
    const pod = 'p'.repeat(253);
    const name = memberName({ namespace: 'default', name: pod }, 8080);
    expect(name).toHaveLength(MAX_NAME_LENGTH);
    expect(name).toMatch(/^default\/p+~[0-9a-f]{16}$/);
    expect(memberName({ namespace: 'default', name: pod }, 8081)).not.toBe(name);
  });
});

describe('fitName', () => {
  it('leaves names that fit alone', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: MAX_NAME_LENGTH }), (name) => {
        expect(fitName(name)).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic, never too long, never empty, and keeps distinct long names distinct', () => {
    const long = fc.string({ unit: 'grapheme', minLength: 200, maxLength: 600 });
    fc.assert(
      fc.property(long, long, (a, b) => {
        const fa = fitName(a);
        expect(fa).toBe(fitName(a));
        expect(fa.length).toBeGreaterThan(0);
        expect(fa.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(fa).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        if (a !== b && (a.length > MAX_NAME_LENGTH || b.length > MAX_NAME_LENGTH))
          expect(fa).not.toBe(fitName(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('honours a smaller limit', () => {
    expect(fitName('x'.repeat(100), 40)).toHaveLength(40);
  });
});

const dnsLabel = (max: number) =>
  fc.stringMatching(new RegExp(`^[a-z0-9]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`));
const clusterIds = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);

describe('description marker', () => {
  it('round-trips: parse(loadBalancerDescription(anOwner(c), s)) names c and s, within 255 characters', () => {
    fc.assert(
      fc.property(dnsLabel(63), dnsLabel(63), fc.uuid(), clusterIds, (namespace, name, uid, clusterId) => {
        const service = { namespace, name, uid };
        const marker = loadBalancerDescription(anOwner(clusterId), service);
        expect(marker.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(parseDescriptionMarker(marker)).toEqual({
          clusterId,
          writer: writerDigest(anOwner(clusterId).writer),
          service,
        });
        expect(markedService(marker, anOwner(clusterId), service)).toEqual(service);
        expect(markedService(marker, anOwner(clusterId), { ...service, uid: '' })).toEqual(service);
      }),
      { numRuns: 500 },
    );
  });

  it('fits the longest Kubernetes names, a UUID and a 40-character cluster id uncut', () => {
    const service = { namespace: 'n'.repeat(63), name: 'x'.repeat(63), uid: ref.uid };
    const marker = loadBalancerDescription(anOwner('k'.repeat(40)), service);
    expect(marker).not.toMatch(/~[0-9a-f]{16}$/);
    expect(parseDescriptionMarker(marker)?.service).toEqual(service);
  });

  it('rejects anything but the exact format: a human-written look-alike is not ours', () => {
    const exact = loadBalancerDescription(anOwner('c1'), ref);
    const nearMisses = [
      '',
      'kuryr-services: Service default/web',
      `kuryr-services: Service default/web (uid ${ref.uid})`, // an older format (no cluster)
      exact.replace(/, writer [0-9a-f]{8}/, ', writer xyz'),
      `${exact} `,
      ` ${exact}`,
      `${exact} - do not delete`,
      `note: ${exact}`,
      exact.replace('kuryr-services', 'Kuryr-services'),
      exact.replace(': default', ':  default'),
      exact.replace('default/web', 'Default/web'),
      exact.replace(', cluster c1', ',cluster c1'),
      exact.replace('cluster c1', 'cluster c1 (copy)'),
      exact.replace('cluster c1', 'cluster '),
      exact.replace(ref.uid, ''),
      `${exact}\n`,
    ];
    for (const description of nearMisses) expect(parseDescriptionMarker(description), description).toBeNull();
  });

  it('matches only the same cluster, namespace/name and, when known, uid', () => {
    const marker = loadBalancerDescription(anOwner('c1'), ref);
    const orphan = { ...ref, uid: '' };
    expect(markedService(marker, anOwner('c1'), ref)).toEqual(ref);
    expect(markedService(marker, anOwner('c1'), orphan)).toEqual(ref);
    expect(markedService(marker, anOwner('c2'), ref)).toBeNull();
    expect(markedService(marker, anOwner('c2'), orphan)).toBeNull();
    expect(markedService(marker, anOwner('c1'), { ...ref, uid: 'another-uid' })).toBeNull();
    expect(markedService(marker, anOwner('c1'), { ...orphan, name: 'web2' })).toBeNull();
    expect(markedService(marker, anOwner('c1'), { ...orphan, namespace: 'prod' })).toBeNull();
    expect(markedService(`${marker} `, anOwner('c1'), orphan)).toBeNull();
  });

  it('a marker of another writer with the same cluster id is not ours; a legacy marker (no writer) is', () => {
    const theirs = loadBalancerDescription({ clusterId: 'c1', writer: 'another-cluster-uid' }, ref);
    expect(markedService(theirs, anOwner('c1'), ref)).toBeNull();
    const legacy = `kuryr-services: Service default/web (uid ${ref.uid}, cluster c1)`;
    expect(parseDescriptionMarker(legacy)).toEqual({ clusterId: 'c1', writer: null, service: ref });
    expect(markedService(legacy, anOwner('c1'), ref)).toEqual(ref);
    expect(markedService(legacy, anOwner('c2'), ref)).toBeNull();
  });
});
