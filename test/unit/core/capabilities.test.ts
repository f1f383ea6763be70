import { describe, expect, it } from 'vitest';
import {
  NEWEST_SUPPORTED_API,
  compareApiVersions,
  effectiveApiVersion,
  formatApiVersion,
  legacyLbaasV2Profile,
  octaviaProfile,
  parseApiVersion,
  lbAlgorithmFor,
  requiresMemberSubnet,
  supportsAllowedCidrs,
  supportsHealthMonitorType,
  supportsLbAlgorithm,
  supportsListenerTimeouts,
  supportsMixedProtocolPort,
  supportsProtocol,
  supportsSessionPersistence,
  supportsTags,
} from '../../../src/core/capabilities.js';
import type { CapabilityProfile, Protocol } from '../../../src/core/model.js';

const at = (minor: number) => octaviaProfile({ major: 2, minor }, 'amphora');

describe('API versions', () => {
  it.each([
    ['2.27', { major: 2, minor: 27 }],
    ['v2.5', { major: 2, minor: 5 }],
    [' 2.0 ', { major: 2, minor: 0 }],
  ])('parses %j', (text, version) => {
    expect(parseApiVersion(text)).toEqual(version);
  });

  it.each(['2', '2.x', '2.05', 'v', '', '2.1.1', '-2.1'])('rejects %j', (text) => {
    expect(parseApiVersion(text)).toBeNull();
  });

  it('formats and compares', () => {
    expect(formatApiVersion(NEWEST_SUPPORTED_API)).toBe('2.27');
    expect(compareApiVersions({ major: 2, minor: 9 }, { major: 2, minor: 10 })).toBeLessThan(0);
    expect(compareApiVersions({ major: 3, minor: 0 }, { major: 2, minor: 99 })).toBeGreaterThan(0);
  });

  it('caps the discovered or overridden version at the newest we know', () => {
    expect(effectiveApiVersion({ major: 2, minor: 30 })).toEqual(NEWEST_SUPPORTED_API);
    expect(effectiveApiVersion({ major: 2, minor: 26 })).toEqual({ major: 2, minor: 26 });
    expect(effectiveApiVersion({ major: 2, minor: 26 }, { major: 2, minor: 11 })).toEqual({
      major: 2,
      minor: 11,
    });
  });
});

describe('capability predicates', () => {
  it.each<[string, number, Protocol, boolean]>([
    ['TCP always', 0, 'TCP', true],
    ['UDP on Octavia', 0, 'UDP', true],
    ['SCTP before 2.23', 22, 'SCTP', false],
    ['SCTP from 2.23', 23, 'SCTP', true],
  ])('%s', (_case, minor, protocol, expected) => {
    expect(supportsProtocol(at(minor), protocol)).toBe(expected);
  });

  it('gates features by version', () => {
    expect([supportsAllowedCidrs(at(11)), supportsAllowedCidrs(at(12))]).toEqual([false, true]);
    expect([supportsMixedProtocolPort(at(12)), supportsMixedProtocolPort(at(13))]).toEqual([false, true]);
    expect([supportsTags(at(4)), supportsTags(at(5))]).toEqual([false, true]);
    expect(supportsListenerTimeouts(at(0))).toBe(true);
  });

  it('models legacy LBaaS v2 as TCP only, no tags, no allowed_cidrs, no timeouts', () => {
    const legacy = legacyLbaasV2Profile();
    expect(['TCP', 'UDP', 'SCTP'].map((p) => supportsProtocol(legacy, p as Protocol))).toEqual([
      true,
      false,
      false,
    ]);
    expect([supportsAllowedCidrs(legacy), supportsTags(legacy), supportsMixedProtocolPort(legacy)]).toEqual([
      false,
      false,
      false,
    ]);
    expect(supportsListenerTimeouts(legacy)).toBe(false);
  });

  it('knows OVN has no session persistence', () => {
    expect(supportsSessionPersistence(octaviaProfile(NEWEST_SUPPORTED_API, 'ovn'))).toBe(false);
    expect(supportsSessionPersistence(octaviaProfile(NEWEST_SUPPORTED_API, 'amphora'))).toBe(true);
  });
});

describe('the provider table', () => {
  const ovn = octaviaProfile(NEWEST_SUPPORTED_API, 'ovn');
  const amphora = octaviaProfile(NEWEST_SUPPORTED_API, 'amphora');

  it.each<[string, (p: CapabilityProfile) => unknown, unknown, unknown]>([
    ['allowed_cidrs', supportsAllowedCidrs, true, false],
    ['listener timeouts', supportsListenerTimeouts, true, false],
    ['SOURCE_IP persistence', supportsSessionPersistence, true, false],
    ['member subnet required', requiresMemberSubnet, false, true],
    ['ROUND_ROBIN', (p) => supportsLbAlgorithm(p, 'ROUND_ROBIN'), true, false],
    ['SOURCE_IP_PORT', (p) => supportsLbAlgorithm(p, 'SOURCE_IP_PORT'), false, true],
    [
      'LEAST_CONNECTIONS kept or replaced',
      (p) => lbAlgorithmFor(p, 'LEAST_CONNECTIONS'),
      'LEAST_CONNECTIONS',
      'SOURCE_IP_PORT',
    ],
    [
      'SOURCE_IP_PORT kept or replaced',
      (p) => lbAlgorithmFor(p, 'SOURCE_IP_PORT'),
      'ROUND_ROBIN',
      'SOURCE_IP_PORT',
    ],
    ['SCTP from 2.23', (p) => supportsProtocol(p, 'SCTP'), true, true],
    ['TCP health monitors', (p) => supportsHealthMonitorType(p, 'TCP'), true, true],
    ['UDP-CONNECT health monitors', (p) => supportsHealthMonitorType(p, 'UDP-CONNECT'), true, true],
    ['HTTP health monitors', (p) => supportsHealthMonitorType(p, 'HTTP'), true, false],
    ['PING health monitors', (p) => supportsHealthMonitorType(p, 'PING'), true, false],
    ['SCTP health monitors', (p) => supportsHealthMonitorType(p, 'SCTP'), true, false],
  ])('%s: amphora %j, ovn %j', (_what, predicate, onAmphora, onOvn) => {
    expect(predicate(amphora)).toEqual(onAmphora);
    expect(predicate(ovn)).toEqual(onOvn);
  });

  it('still gates OVN by API version (SCTP needs 2.23)', () => {
    expect(supportsProtocol(octaviaProfile({ major: 2, minor: 22 }, 'ovn'), 'SCTP')).toBe(false);
  });
});
