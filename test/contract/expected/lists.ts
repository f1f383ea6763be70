/**
 * The expected trace of scenarios/lists.ts: what the test cloud (Octavia 11.0 with the amphora provider,
 * Neutron 21) answered on 2026-12-03, reviewed against the APIs' documented behaviour. Ids,
 * generated addresses and the run tag appear as the labels the scenario gave them.
 */
export const LISTS_AND_PAGING: unknown = {
  octavia: {
    allOf: ['lb-alpha', 'lb-beta'],
    allOfTwo: ['lb-alpha'],
    anyOf: ['lb-alpha', 'lb-beta'],
    notTags: ['lb-beta'],
    notTagsAny: [],
    name: ['lb-alpha'],
    vipAddress: ['lb-alpha'],
    vipPort: ['lb-alpha'],
    project: ['lb-alpha', 'lb-beta'],
    pages: {
      sizes: [1, 1, 0],
      next: [true, true, false],
      ids: ['lb-alpha', 'lb-beta'],
    },
    listAll: 2,
    reverseIsFirstPage: true,
    fields: [
      ['id', 'name'],
      ['id', 'name'],
    ],
    badMarker: {
      error: 'BadRequestError',
      status: 400,
      type: 'Client',
    },
    badFilter: {
      error: 'BadRequestError',
      status: 400,
      type: 'Client',
    },
  },
  neutron: {
    allOf: ['f-alpha', 'f-both'],
    anyOf: ['f-beta', 'f-both'],
    anyOfWithTags: {
      error: 'ServerError',
      status: 500,
      type: 'HTTPInternalServerError',
    },
    notTags: ['f-beta'],
    notTagsAny: [],
    description: ['f-alpha', 'f-beta', 'f-both'],
    address: ['f-beta'],
    pages: {
      sizes: [1, 1, 1, 0],
      next: [true, true, true, false],
      ids: ['f-alpha', 'f-beta', 'f-both'],
    },
    listAll: 3,
    reverseIsPreviousPage: true,
    fields: [
      ['floating_ip_address', 'id'],
      ['floating_ip_address', 'id'],
      ['floating_ip_address', 'id'],
    ],
    badMarker: 3,
    badFilter: {
      error: 'BadRequestError',
      status: 400,
      type: 'HTTPBadRequest',
    },
  },
};
