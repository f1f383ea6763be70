/**
 * oslo.config's INI rules, as tables: the cases of oslo_config/tests/test_iniparser.py
 * (assignments with = and :, multi-line values, quotes, empty values, the five parse errors)
 * plus ConfigParser's (values joined with newlines, repeated sections merged, repeated keys
 * kept in order, group names normalized) and kuryr.conf read through them.
 */
import { describe, expect, it } from 'vitest';
import { parseKuryrConf, KuryrConfError } from '../../../src/app/config/kuryr-conf.js';
import { lastValue, OsloIniError, parseOsloIni } from '../../../src/app/config/oslo-ini.js';

function values(text: string): Record<string, Record<string, readonly string[]>> {
  const out: Record<string, Record<string, readonly string[]>> = {};
  for (const [section, keys] of parseOsloIni(text).sections) out[section] = Object.fromEntries(keys);
  return out;
}

describe('oslo.config INI parsing', () => {
  it.each([
    { name: 'blank line', text: '', want: {} },
    { name: 'assignment with =', text: '[s]\nfoo = bar', want: { s: { foo: ['bar'] } } },
    { name: 'assignment with :', text: '[s]\nfoo: bar', want: { s: { foo: ['bar'] } } },
    {
      name: 'the first of = and : splits',
      text: '[s]\nurl = http://h:80\nk: a=b',
      want: { s: { url: ['http://h:80'], k: ['a=b'] } },
    },
    {
      name: 'multi-line value, joined with a newline',
      text: '[s]\nfoo = bar0\n  bar1\n\tbar2',
      want: { s: { foo: ['bar0\nbar1\nbar2'] } },
    },
    { name: 'empty value', text: '[s]\nfoo = ', want: { s: { foo: [''] } } },
    { name: 'single quotes keep inner spaces', text: "[s]\nfoo = ' bar '", want: { s: { foo: [' bar '] } } },
    { name: 'double quotes keep inner spaces', text: '[s]\nfoo = " bar "', want: { s: { foo: [' bar '] } } },
    { name: 'mismatched quotes stay', text: `[s]\nfoo = 'bar"`, want: { s: { foo: [`'bar"`] } } },
    {
      name: '# and ; start comments only at the start of a line',
      text: '[s]\n# c\n; c\nfoo = a # not a comment ; nor this',
      want: { s: { foo: ['a # not a comment ; nor this'] } },
    },
    {
      name: 'a comment line ends a multi-line value',
      text: '[s]\nfoo = a\n# c\nbar = b',
      want: { s: { foo: ['a'], bar: ['b'] } },
    },
    {
      name: 'repeated sections merge',
      text: '[s]\na = 1\n[t]\nb = 2\n[s]\nc = 3',
      want: { s: { a: ['1'], c: ['3'] }, t: { b: ['2'] } },
    },
    { name: 'repeated keys keep every value', text: '[s]\na = 1\na = 2', want: { s: { a: ['1', '2'] } } },
    {
      name: 'group names are lower-cased, except DEFAULT',
      text: '[DEFAULT]\nx = 1\n[Neutron_Defaults]\ny = 2',
      want: { DEFAULT: { x: ['1'] }, neutron_defaults: { y: ['2'] } },
    },
    { name: 'keys keep their case; CRLF line ends', text: '[s]\r\nKey = v\r\n', want: { s: { Key: ['v'] } } },
    { name: 'an empty section', text: '[s]\n', want: { s: {} } },
  ])('$name', ({ text, want }) => {
    expect(values(text)).toEqual(want);
  });

  it.each([
    {
      name: 'no = or :',
      text: 'foo - bar',
      message: "at line 1, No ':' or '=' found in assignment: 'foo - bar'",
    },
    { name: 'empty key', text: ': bar', message: "at line 1, Key cannot be empty: ': bar'" },
    {
      name: 'continuation with nothing before it',
      text: '   baz',
      message: "at line 1, Unexpected continuation line: '   baz'",
    },
    {
      name: 'continuation after a blank line',
      text: '[s]\nfoo = bar0\n\n  bar1',
      message: "at line 4, Unexpected continuation line: '  bar1'",
    },
    {
      name: 'section without ]',
      text: '[section',
      message: "at line 1, Invalid section (must end with ]): '[section'",
    },
    { name: 'empty section name', text: '[]', message: "at line 1, Empty section name: '[]'" },
  ])('error: $name', ({ text, message }) => {
    expect(() => parseOsloIni(text)).toThrow(
      new OsloIniError('', 0, null).constructor as typeof OsloIniError,
    );
    expect(() => parseOsloIni(text)).toThrow(message);
  });

  it('keys before any section are returned apart (oslo refuses them)', () => {
    expect(parseOsloIni('a = 1\n[s]\nb = 2').outside).toEqual(['a']);
  });

  it('a single-valued option takes the last value', () => {
    expect(lastValue(['1', '2'])).toBe('2');
    expect(lastValue(undefined)).toBeUndefined();
  });
});

describe('kuryr.conf through the oslo rules', () => {
  it('continuation lines, an inline #, repeated sections and keys', () => {
    const text = [
      '[neutron_defaults]',
      'service_subnet = svc-a,',
      '  svc-b',
      'resource_tags = team#1',
      '[octavia_defaults]',
      'member_mode = L2',
      '[neutron_defaults]',
      'pod_subnet = pods-old',
      'pod_subnet = pods-new',
    ].join('\n');
    const { config } = parseKuryrConf(text, 'kuryr.conf');
    // A continuation joins with a newline: the comma list still splits into two subnets.
    expect(config.neutron.serviceSubnetIds).toEqual(['svc-a', 'svc-b']);
    expect(config.neutron.resourceTags).toEqual(['team#1']);
    expect(config.neutron.podSubnetIds).toEqual(['pods-new']);
    expect(config.octavia.memberMode).toBe('L2');
  });

  it("a syntax error names the file and oslo's line", () => {
    expect(() => parseKuryrConf('[neutron_defaults]\nservice_subnet\n', 'kuryr.conf')).toThrow(
      KuryrConfError,
    );
    expect(() => parseKuryrConf('[neutron_defaults]\nservice_subnet\n', 'kuryr.conf')).toThrow(
      "kuryr.conf: at line 2, No ':' or '=' found in assignment: 'service_subnet'",
    );
  });
});
