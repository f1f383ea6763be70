/**
 * The built-in network `plan` uses when given neither --config nor --subnets: the seed
 * topology of the examples (examples/subnets.yaml, examples/kuryr.conf).
 */
import type { SubnetInfo } from '../../../core/model.js';

/** Service VIP subnet of the demo topology. */
export const DEMO_SERVICE_SUBNET_ID = 'service-subnet-id';
/** Pod subnet of the demo topology. */
export const DEMO_POD_SUBNET_ID = 'pod-subnet-id';
/** External network Pool floating IPs come from in the demo topology. */
export const DEMO_EXTERNAL_NETWORK_ID = 'public-network-id';
/** Its subnet. */
export const DEMO_EXTERNAL_SUBNET_ID = 'public-subnet-id';

/** The demo subnets: pods 10.1.0.0/16, Services 10.2.0.0/16, floating IPs 172.24.4.0/24. */
export const DEMO_SUBNETS: readonly SubnetInfo[] = [
  {
    id: DEMO_POD_SUBNET_ID,
    networkId: 'pod-network-id',
    cidr: '10.1.0.0/16',
    gatewayIp: '10.1.255.254',
    ipVersion: 4,
    allocationPools: [{ start: '10.1.0.1', end: '10.1.255.253' }],
  },
  {
    id: DEMO_SERVICE_SUBNET_ID,
    networkId: 'service-network-id',
    cidr: '10.2.0.0/16',
    gatewayIp: '10.2.255.254',
    ipVersion: 4,
    allocationPools: [{ start: '10.2.128.1', end: '10.2.255.253' }],
  },
  {
    id: DEMO_EXTERNAL_SUBNET_ID,
    networkId: DEMO_EXTERNAL_NETWORK_ID,
    cidr: '172.24.4.0/24',
    gatewayIp: '172.24.4.1',
    ipVersion: 4,
    allocationPools: [{ start: '172.24.4.2', end: '172.24.4.254' }],
  },
];
