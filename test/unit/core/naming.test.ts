import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_NAME_LENGTH,
  fitName,
  listenerName,
  loadBalancerDescription,
  loadBalancerName,
  memberName,
  poolName,
} from '../../../src/core/naming.js';

const ref = { namespace: 'default', name: 'web', uid: '6f1f2b7e-0000-4000-8000-000000000001' };

describe('names (kuryr-kubernetes scheme)', () => {
  it('names the load balancer, listeners, pools and members', () => {
    expect(loadBalancerName(ref)).toBe('default/web');
    expect(listenerName(ref, 'UDP', 53)).toBe('default/web:UDP:53');
    expect(poolName(ref, 'TCP', 80)).toBe('default/web:TCP:80');
    expect(memberName({ namespace: 'prod', name: 'web-7d9-x2' }, 8080)).toBe('prod/web-7d9-x2:8080');
    expect(loadBalancerDescription(ref)).toBe(
      'kuryr-services: Service default/web (uid 6f1f2b7e-0000-4000-8000-000000000001)',
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
