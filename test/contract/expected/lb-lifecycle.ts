/**
 * The expected trace of scenarios/lb-lifecycle.ts: what the test cloud (Octavia 11.0 with the amphora provider,
 * Neutron 21) answered on 2026-12-03, reviewed against the APIs' documented behaviour. Ids,
 * generated addresses and the run tag appear as the labels the scenario gave them.
 */
export const LB_LIFECYCLE: unknown = {
  create: {
    done: ['createLoadBalancer', 'createFloatingIp'],
    deferred: [],
    requeueAfterMs: 1000,
    conflict: null,
    created: true,
  },
  pendingTree: {
    lb: 'PENDING_CREATE',
    listeners: [
      {
        name: 'web:TCP:80',
        status: 'PENDING_CREATE',
        pools: [
          {
            name: 'web:TCP:80',
            status: 'PENDING_CREATE',
            members: [
              'pod-11:8080 10.1.80.11:8080 PENDING_CREATE',
              'pod-12:8080 10.1.80.12:8080 PENDING_CREATE',
            ],
          },
        ],
      },
      {
        name: 'web:UDP:53',
        status: 'PENDING_CREATE',
        pools: [
          {
            name: 'web:UDP:53',
            status: 'PENDING_CREATE',
            members: [],
          },
        ],
      },
    ],
  },
  writeWhilePending: {
    done: [],
    deferred: ['replaceMembers'],
    requeueAfterMs: 2000,
    conflict: 409,
    created: null,
  },
  settled: 'ACTIVE',
  activeTree: {
    lb: 'ACTIVE',
    listeners: [
      {
        name: 'web:TCP:80',
        status: 'ACTIVE',
        pools: [
          {
            name: 'web:TCP:80',
            status: 'ACTIVE',
            members: ['pod-11:8080 10.1.80.11:8080 ACTIVE', 'pod-12:8080 10.1.80.12:8080 ACTIVE'],
          },
        ],
      },
      {
        name: 'web:UDP:53',
        status: 'ACTIVE',
        pools: [
          {
            name: 'web:UDP:53',
            status: 'ACTIVE',
            members: [],
          },
        ],
      },
    ],
  },
  observed: {
    loadBalancers: [
      {
        id: 'lb',
        name: '<run>/web',
        vipAddress: 'vip',
        vipSubnetId: 'service_subnet',
        vipPortId: 'vip-port',
        provider: 'amphora',
        provisioningStatus: 'ACTIVE',
        tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
        listeners: [
          {
            id: 'listener:web:TCP:80',
            name: 'web:TCP:80',
            protocol: 'TCP',
            protocolPort: 80,
            allowedCidrs: ['10.0.0.0/8'],
            timeoutClientData: 20000,
            timeoutMemberData: 50000,
            defaultPoolId: 'pool:web:TCP:80',
            tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
            provisioningStatus: 'ACTIVE',
          },
          {
            id: 'listener:web:UDP:53',
            name: 'web:UDP:53',
            protocol: 'UDP',
            protocolPort: 53,
            allowedCidrs: [],
            timeoutClientData: 50000,
            timeoutMemberData: 50000,
            defaultPoolId: 'pool:web:UDP:53',
            tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
            provisioningStatus: 'ACTIVE',
          },
        ],
        pools: [
          {
            id: 'pool:web:TCP:80',
            name: 'web:TCP:80',
            protocol: 'TCP',
            lbAlgorithm: 'ROUND_ROBIN',
            sessionPersistence: {
              type: 'SOURCE_IP',
            },
            members: [
              {
                id: 'member:10.1.80.11',
                name: 'pod-11:8080',
                address: '10.1.80.11',
                protocolPort: 8080,
                subnetId: 'pod_subnet',
                tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
                provisioningStatus: 'ACTIVE',
              },
              {
                id: 'member:10.1.80.12',
                name: 'pod-12:8080',
                address: '10.1.80.12',
                protocolPort: 8080,
                subnetId: 'pod_subnet',
                tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
                provisioningStatus: 'ACTIVE',
              },
            ],
            listenerId: 'listener:web:TCP:80',
            tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
            provisioningStatus: 'ACTIVE',
          },
          {
            id: 'pool:web:UDP:53',
            name: 'web:UDP:53',
            protocol: 'UDP',
            lbAlgorithm: 'SOURCE_IP',
            sessionPersistence: null,
            members: [],
            listenerId: 'listener:web:UDP:53',
            tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
            provisioningStatus: 'ACTIVE',
          },
        ],
      },
    ],
    floatingIps: [
      {
        id: 'fip',
        address: 'fip-address',
        networkId: 'public_net',
        portId: 'vip-port',
        tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
        description: 'kuryr-services: Service <run>/web (uid uid-<run>, cluster <run>)',
      },
    ],
  },
  batch: {
    done: ['replaceMembers'],
    deferred: [],
    requeueAfterMs: 1000,
    conflict: null,
    created: null,
  },
  batchPending: [
    'member:10.1.80.11 10.1.80.11 PENDING_UPDATE',
    'member:10.1.80.12 10.1.80.12 PENDING_DELETE',
    'member:10.1.80.13 10.1.80.13 PENDING_CREATE',
  ],
  batchSettled: ['member:10.1.80.11 10.1.80.11 ACTIVE', 'member:10.1.80.13 10.1.80.13 ACTIVE'],
  listener: {
    createListener: {
      done: ['createListener'],
      deferred: [],
      requeueAfterMs: 1000,
      conflict: null,
      created: null,
    },
    createPool: {
      done: ['createPool'],
      deferred: [],
      requeueAfterMs: 1000,
      conflict: null,
      created: null,
    },
    fillPool: {
      done: ['replaceMembers'],
      deferred: [],
      requeueAfterMs: 1000,
      conflict: null,
      created: null,
    },
    added: {
      listener: {
        id: 'listener:8443',
        name: 'web:TCP:8443',
        description: '',
        protocol: 'TCP',
        protocolPort: 8443,
        allowedCidrs: ['10.0.0.0/8'],
        timeoutClientData: 20000,
        timeoutMemberData: 50000,
        defaultPoolId: 'pool:8443',
        tags: ['ks-cluster=<run>', '<run>', 'svc-tag:web', 'ks-uid=uid-<run>', 'kuryr-services'],
        provisioningStatus: 'ACTIVE',
        loadBalancerIds: ['lb'],
        operatingStatus: 'OFFLINE',
      },
      members: 1,
    },
    listenerPaging: {
      sizes: [1, 1, 1, 0],
      next: [true, true, true, false],
      reverseFromThird: ['first'],
    },
    removeBoth: {
      done: ['deleteListener'],
      deferred: ['deletePool'],
      requeueAfterMs: 1000,
      conflict: null,
      created: null,
    },
    poolWithoutListener: {
      listener: null,
      status: 'ACTIVE',
      members: 1,
    },
    removePool: {
      done: ['deletePool'],
      deferred: [],
      requeueAfterMs: 1000,
      conflict: null,
      created: null,
    },
    left: {
      listeners: ['listener:web:TCP:80', 'listener:web:UDP:53'],
      pools: ['pool:web:TCP:80', 'pool:web:UDP:53'],
      pool8443: {
        error: 'NotFoundError',
        status: 404,
        type: 'Client',
      },
    },
  },
  cascade: {
    run: {
      done: ['deleteLoadBalancer'],
      deferred: [],
      requeueAfterMs: 1000,
      conflict: null,
      created: null,
    },
    whileDeleting: 'PENDING_DELETE',
    secondDelete: {
      error: 'ConflictError',
      status: 409,
      type: 'Client',
    },
    after: {
      get: {
        error: 'NotFoundError',
        status: 404,
        type: 'Client',
      },
      status: {
        error: 'NotFoundError',
        status: 404,
        type: 'Client',
      },
      pool: {
        error: 'NotFoundError',
        status: 404,
        type: 'Client',
      },
      listeners: 0,
      vipPort: {
        error: 'NotFoundError',
        status: 404,
        type: 'PortNotFound',
      },
      floatingIp: [
        {
          id: 'fip',
          portId: null,
          fixed: null,
          router: null,
        },
      ],
    },
  },
};
