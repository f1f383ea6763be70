import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, compareAddresses, ipFamily, parseCidr, parseIp } from '../../../src/core/ip.js';

describe('parseIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1', 4],
    ['2001:DB8:0:0::1', '2001:db8::1', 6],
    ['::', '::', 6],
    ['fd00:1:0:0:0:0:0:5', 'fd00:1::5', 6],
  ])('parses %s as %s (IPv%d)', (text, address, family) => {
    expect(parseIp(text)).toMatchObject({ address, family });
  });

  it.each([
    '',
    '10.0.0',
    '010.0.0.1',
    '256.0.0.1',
    '0x0a.0.0.1',
    '10',
    'fe80::1%eth0',
    'example.com',
    ' 10.0.0.1',
  ])('rejects %j', (text) => {
    expect(parseIp(text)).toBeNull();
    expect(ipFamily(text)).toBeNull();
  });
});

describe('parseCidr', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.168.1.200/25', '192.168.1.128/25'],
    ['2001:db8::7/32', '2001:db8::/32'],
    ['fd00::1/128', 'fd00::1/128'],
  ])('normalises %s to %s', (text, cidr) => {
    expect(parseCidr(text)?.cidr).toBe(cidr);
  });

  it.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '::/129',
    'x/8',
    '10.0.0.0/',
  ])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('cidrContains', () => {
  it.each([
    ['10.1.0.0/16', '10.1.255.255', true],
    ['10.1.0.0/16', '10.2.0.0', false],
    ['10.1.0.0/16', 'fd00::1', false],
    ['fd00:1::/64', 'fd00:1::abcd', true],
    ['fd00:1::/64', 'fd00:2::1', false],
    ['0.0.0.0/0', '1.2.3.4', true],
    ['bogus', '1.2.3.4', false],
    ['10.0.0.0/8', 'bogus', false],
  ])('%s contains %s: %s', (cidr, address, expected) => {
    expect(cidrContains(cidr, address)).toBe(expected);
  });

  it('agrees with a numeric check for random IPv4 prefixes', () => {
    const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (net, address, prefix) => {
        const size = 2 ** (32 - prefix);
        const inside = Math.floor(toInt(net) / size) === Math.floor(toInt(address) / size);
        expect(cidrContains(`${net}/${prefix}`, address)).toBe(inside);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('compareAddresses', () => {
  it('orders numerically, IPv4 before IPv6, garbage last', () => {
    const sorted = ['fd00::1', 'x', '10.0.0.10', '10.0.0.9', '9.0.0.0', '::1'].sort(compareAddresses);
    expect(sorted).toEqual(['9.0.0.0', '10.0.0.9', '10.0.0.10', '::1', 'fd00::1', 'x']);
  });
});
