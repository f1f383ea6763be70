import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  errorFromResponse,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  NotImplementedError,
  OpenStackError,
  parseFault,
  ServerError,
  UnauthorizedError,
} from '../../../src/openstack/errors.js';

describe('parseFault', () => {
  it.each([
    [
      'Octavia wsme',
      '{"faultcode": "Client", "faultstring": "Load Balancer 1 is immutable and cannot be updated.", "debuginfo": null}',
      'Load Balancer 1 is immutable and cannot be updated.',
      'Client',
    ],
    [
      'Neutron',
      '{"NeutronError": {"type": "IpAddressAlreadyAllocated", "message": "IP address 10.0.0.5 already allocated", "detail": ""}}',
      'IP address 10.0.0.5 already allocated',
      'IpAddressAlreadyAllocated',
    ],
    [
      'Keystone',
      '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}',
      'The request you have made requires authentication.',
      'Unauthorized',
    ],
    ['plain text', 'Service Unavailable\n', 'Service Unavailable', null],
    ['HTML', '<html><body><h1>502 Bad Gateway</h1></body></html>', '502 Bad Gateway', null],
    ['invalid JSON', '{not json', '{not json', null],
    ['empty', '   ', null, null],
    ['nova-style single key', '{"badRequest": {"message": "bad", "code": 400}}', 'bad', null],
  ])('%s', (_name, body, message, type) => {
    expect(parseFault(body)).toEqual({ message, type });
  });
});

describe('errorFromResponse', () => {
  const base = { service: 'load-balancer', operation: 'pool.create', body: '', requestId: 'req-1' };
  it.each([
    [400, BadRequestError, false],
    [422, BadRequestError, false],
    [401, UnauthorizedError, false],
    [403, ForbiddenError, false],
    [404, NotFoundError, false],
    [409, ConflictError, true],
    [408, ServerError, true],
    [429, ServerError, true],
    [500, ServerError, true],
    [503, ServerError, true],
    [501, NotImplementedError, false],
  ] as const)('%i → %s (retryable %s)', (status, cls, retryable) => {
    const err = errorFromResponse({ ...base, status });
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(OpenStackError);
    expect(err.name).toBe(cls.name);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(status);
    expect(err.requestId).toBe('req-1');
  });

  it('names service, operation, status and the fault text in the message', () => {
    const err = errorFromResponse({
      ...base,
      status: 400,
      body: '{"faultcode":"Client","faultstring":"Invalid input for field/attribute lb_algorithm.","debuginfo":null}',
    });
    expect(err.message).toBe(
      'load-balancer pool.create rejected (HTTP 400): Invalid input for field/attribute lb_algorithm. [request req-1]',
    );
    expect(err.faultString).toBe('Invalid input for field/attribute lb_algorithm.');
    expect(err.faultType).toBe('Client');
  });

  it('501 carries the provider message (e.g. SOURCE_IP_PORT on amphora)', () => {
    const err = errorFromResponse({
      ...base,
      status: 501,
      body: '{"faultcode":"Server","faultstring":"Provider \'amphora\' does not support a requested option: SOURCE_IP_PORT","debuginfo":null}',
    });
    expect(err).toBeInstanceOf(NotImplementedError);
    expect(err.message).toContain('SOURCE_IP_PORT');
  });
});

describe('NetworkError', () => {
  it('distinguishes timeout from caller abort and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const timeout = new NetworkError({ service: 'network', operation: 'port.list', kind: 'timeout', cause });
    const aborted = new NetworkError({ service: 'network', operation: 'port.list', kind: 'aborted', cause });
    const refused = new NetworkError({
      service: 'network',
      operation: 'port.list',
      kind: 'connection',
      cause,
    });
    expect([timeout.kind, timeout.retryable, timeout.status]).toEqual(['timeout', true, null]);
    expect([aborted.kind, aborted.retryable]).toEqual(['aborted', false]);
    expect([refused.kind, refused.retryable]).toEqual(['connection', true]);
    expect(refused.cause).toBe(cause);
    expect(refused.message).toBe('network port.list failed: socket hang up');
    expect(timeout.message).toContain('timed out');
  });
});
