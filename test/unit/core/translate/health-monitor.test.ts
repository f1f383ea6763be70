/** translate: health monitors, opt-in by cloud-provider-openstack's annotations or kuryr.conf, one per pool. */
import { describe, expect, it } from 'vitest';
import type { HealthMonitorDefaults, OctaviaProvider } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
import {
  aProfile,
  aService,
  aServicePort,
  aTranslateConfig,
  aTranslateInput,
} from '../../../support/builders.js';

const ENABLE = 'loadbalancer.openstack.org/enable-health-monitor';
const DELAY = 'loadbalancer.openstack.org/health-monitor-delay';
const TIMEOUT = 'loadbalancer.openstack.org/health-monitor-timeout';
const RETRIES = 'loadbalancer.openstack.org/health-monitor-max-retries';
const RETRIES_DOWN = 'loadbalancer.openstack.org/health-monitor-max-retries-down';

const PORTS = [
  aServicePort(80),
  aServicePort(53, { name: 'dns', protocol: 'UDP' }),
  aServicePort(3868, { name: 'diameter', protocol: 'SCTP' }),
];

function run(
  annotations: Record<string, string>,
  opts: { defaults?: HealthMonitorDefaults; provider?: OctaviaProvider } = {},
): Translation {
  const config = aTranslateConfig(opts.defaults === undefined ? {} : { healthMonitor: opts.defaults });
  const service = aService({ annotations, ports: PORTS });
  const capabilities = aProfile({ provider: opts.provider ?? 'amphora' });
  return translate(aTranslateInput({ service, slices: [], config, capabilities }));
}

function monitors(t: Translation): Record<string, unknown> {
  if (t.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(t)}`);
  return Object.fromEntries(t.loadBalancer.listeners.map((l) => [l.pool.name, l.pool.healthMonitor ?? null]));
}

function warnings(t: Translation): string[] {
  if (t.kind !== 'desired') return [`${t.kind}: ${t.reason.message}`];
  return t.warnings.map((w) => `${w.code}: ${w.message}`);
}

const TAGS = (t: Translation): readonly string[] => (t.kind === 'desired' ? t.loadBalancer.tags : []);

describe('translate: health monitors', () => {
  it('gives no pool a monitor unless asked', () => {
    expect(Object.values(monitors(run({})))).toEqual([null, null, null]);
  });

  it('gives each pool one monitor of its protocol, named and tagged like the pool, on the annotation', () => {
    const t = run({ [ENABLE]: 'true', [DELAY]: '10', [TIMEOUT]: '4', [RETRIES]: '2', [RETRIES_DOWN]: '5' });
    const timings = { delay: 10, timeout: 4, maxRetries: 2, maxRetriesDown: 5, tags: TAGS(t) };
    expect(monitors(t)).toEqual({
      'default/web:SCTP:3868': { name: 'default/web:SCTP:3868', type: 'SCTP', ...timings },
      'default/web:TCP:80': { name: 'default/web:TCP:80', type: 'TCP', ...timings },
      'default/web:UDP:53': { name: 'default/web:UDP:53', type: 'UDP-CONNECT', ...timings },
    });
    expect(warnings(t)).toEqual([]);
  });

  it("uses kuryr.conf's settings, and cloud-provider-openstack's defaults (5 s, 3 s, 1, 3) without them", () => {
    const defaults = { enabled: true, delay: 7, timeout: 2, maxRetries: 3, maxRetriesDown: 4 };
    const fromConf = monitors(run({}, { defaults }))['default/web:TCP:80'];
    expect(fromConf).toMatchObject({ type: 'TCP', delay: 7, timeout: 2, maxRetries: 3, maxRetriesDown: 4 });
    const fromDefaults = monitors(run({ [ENABLE]: 'TRUE' }))['default/web:TCP:80'];
    expect(fromDefaults).toMatchObject({ delay: 5, timeout: 3, maxRetries: 1, maxRetriesDown: 3 });
  });

  it('lets the annotation turn off what kuryr.conf turns on', () => {
    const defaults = { enabled: true, delay: 5, timeout: 3, maxRetries: 1, maxRetriesDown: 3 };
    expect(Object.values(monitors(run({ [ENABLE]: 'false' }, { defaults })))).toEqual([null, null, null]);
  });

  it.each([
    [{ [ENABLE]: 'yes' }, `annotation ${ENABLE}="yes" must be "true" or "false"`],
    [{ [ENABLE]: 'true', [DELAY]: '0' }, `annotation ${DELAY}="0" must be an integer from 1 to 86400`],
    [{ [ENABLE]: 'true', [DELAY]: '5s' }, `annotation ${DELAY}="5s" must be an integer from 1 to 86400`],
    [{ [ENABLE]: 'true', [RETRIES]: '11' }, `annotation ${RETRIES}="11" must be an integer from 1 to 10`],
    [{ [ENABLE]: 'true', [DELAY]: '2', [TIMEOUT]: '3' }, 'health monitor timeout 3 s exceeds its delay 2 s'],
  ])('refuses %j as invalid input (Warning event and InputValid=False)', (annotations, message) => {
    const t = run(annotations);
    expect(t.kind).toBe('invalid');
    if (t.kind !== 'invalid') return;
    expect(t.reason.message).toContain('Service default/web: ');
    expect(t.reason.message).toContain(message);
  });

  it('ignores malformed timings while monitors are off (nothing to apply them to)', () => {
    expect(run({ [DELAY]: 'soon' }).kind).toBe('desired');
  });

  it('on OVN: TCP and UDP-CONNECT only; the SCTP pool gets none, with a warning naming the port', () => {
    const t = run({ [ENABLE]: 'true' }, { provider: 'ovn' });
    const found = monitors(t);
    expect(found['default/web:SCTP:3868']).toBeNull();
    expect(found['default/web:TCP:80']).toMatchObject({ type: 'TCP' });
    expect(found['default/web:UDP:53']).toMatchObject({ type: 'UDP-CONNECT' });
    expect(warnings(t)).toEqual([
      'KuryrUnsupportedOption: Service default/web: SCTP port 3868 gets no health monitor: the ovn provider has no monitor type that checks SCTP members',
    ]);
  });

  it("raises a UDP-CONNECT delay below Octavia's minimum (3 s) and says so; TCP keeps it", () => {
    const t = run({ [ENABLE]: 'true', [DELAY]: '1', [TIMEOUT]: '1' });
    const found = monitors(t);
    expect(found['default/web:UDP:53']).toMatchObject({ delay: 3, timeout: 1 });
    expect(found['default/web:TCP:80']).toMatchObject({ delay: 1 });
    expect(warnings(t)).toEqual([
      "KuryrUnsupportedOption: Service default/web: health monitor delay 1 s raised to 3 s for UDP port 53: Octavia's minimum for UDP-CONNECT monitors",
    ]);
  });

  it('does not name the health monitor annotations as ignored', () => {
    const t = run({ [ENABLE]: 'true', [DELAY]: '6', [TIMEOUT]: '3', [RETRIES]: '2', [RETRIES_DOWN]: '3' });
    expect(warnings(t).filter((w) => w.startsWith('KuryrIgnoredAnnotations'))).toEqual([]);
  });
});
