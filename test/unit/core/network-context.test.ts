import { describe, expect, it } from 'vitest';
import {
  NetworkContextError,
  describeSubnets,
  networkContextFromSubnets,
  subnetsContaining,
} from '../../../src/core/network-context.js';
import { POD_SUBNET, SERVICE_SUBNET } from '../../support/builders.js';

describe('networkContextFromSubnets', () => {
  it('indexes subnets and de-duplicates the id lists', () => {
    const ctx = networkContextFromSubnets(
      [SERVICE_SUBNET, POD_SUBNET],
      [SERVICE_SUBNET.id, SERVICE_SUBNET.id],
      [POD_SUBNET.id],
    );
    expect(ctx.subnets.get(POD_SUBNET.id)).toEqual(POD_SUBNET);
    expect(ctx.serviceSubnetIds).toEqual([SERVICE_SUBNET.id]);
    expect(subnetsContaining(ctx, ctx.podSubnetIds, '10.1.3.4').map((s) => s.id)).toEqual([POD_SUBNET.id]);
    expect(subnetsContaining(ctx, ctx.podSubnetIds, '10.2.3.4')).toEqual([]);
    expect(describeSubnets(ctx, ['pod-subnet-id', 'nope'])).toBe(
      'pod-subnet-id (10.1.0.0/16), nope (unknown)',
    );
    expect(describeSubnets(ctx, [])).toBe('none configured');
  });

  it('throws naming a missing or duplicated subnet', () => {
    expect(() => networkContextFromSubnets([SERVICE_SUBNET], [SERVICE_SUBNET.id], ['pod-x'])).toThrow(
      new NetworkContextError('subnet(s) pod-x not found among the known subnets'),
    );
    expect(() => networkContextFromSubnets([POD_SUBNET, POD_SUBNET], [], [])).toThrow(
      /pod-subnet-id is listed twice/,
    );
  });
});
