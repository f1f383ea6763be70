import { describe, expect, it } from 'vitest';
import { UnexpectedResponseError } from '../../../src/openstack/response.js';
import { capabilityProfile, parseVersionId, selectVersion } from '../../../src/openstack/octavia/versions.js';

const v = (id: string, status = 'SUPPORTED') => ({ id, status });

describe('octavia version discovery', () => {
  it.each([
    ['v2.26', { major: 2, minor: 26 }],
    ['v2.0', { major: 2, minor: 0 }],
    ['v2', { major: 2, minor: 0 }],
    ['v1', { major: 1, minor: 0 }],
    ['2.1', null],
    ['latest', null],
  ])('parses %s', (id, version) => {
    expect(parseVersionId(id)).toEqual(version);
  });

  it.each([
    ['the CURRENT entry', [v('v2.0'), v('v2.25'), v('v2.26', 'CURRENT')], { major: 2, minor: 26 }],
    ['CURRENT even if not last', [v('v2.27', 'CURRENT'), v('v2.0')], { major: 2, minor: 27 }],
    ['the highest minor without CURRENT', [v('v2.3'), v('v2.12'), v('v2.9')], { major: 2, minor: 12 }],
    ['v2 over a CURRENT v1', [v('v1', 'CURRENT'), v('v2.1')], { major: 2, minor: 1 }],
    ['lowercase status', [v('v2.5', 'current'), v('v2.9')], { major: 2, minor: 5 }],
  ])('selects %s', (_what, entries, version) => {
    expect(selectVersion(entries)).toEqual(version);
  });

  it('fails typed when no v2 is listed', () => {
    expect(() => selectVersion([v('v1', 'CURRENT')])).toThrow(UnexpectedResponseError);
    expect(() => selectVersion([])).toThrow(/no v2 API/);
  });

  it.each(['amphora', 'ovn'] as const)(
    'maps to a capability profile with provider %s from config',
    (provider) => {
      expect(capabilityProfile([v('v2.0'), v('v2.26', 'CURRENT')], provider)).toEqual({
        apiVersion: { major: 2, minor: 26 },
        provider,
        legacyLbaasV2: false,
      });
    },
  );
});
