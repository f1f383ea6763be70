/**
 * The observability pack: the Grafana dashboard (deploy/observability/grafana-dashboard.json)
 * and the alert rules (the chart's files/kuryr-services.rules.yaml, copied by
 * scripts/deploy/render to deploy/observability/alerts.yaml). Every metric either names is one
 * the controller's registry really yields (exported-metrics.ts), with labels it really has;
 * both files have the shape their consumers need.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { exportedSeries } from './exported-metrics.js';
import { fromGrafana, selectors } from './promql.js';
import { CHART, only, renderChart, REPO, tool } from './render.js';

// helm template takes a second or two (the first run may fetch helm: see chart.test.ts).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const DASHBOARD = join(REPO, 'deploy/observability/grafana-dashboard.json');
const ALERTS = join(REPO, 'deploy/observability/alerts.yaml');
const RULE_TESTS = join(import.meta.dirname, 'alerts.promtool.yaml');
/** Series Prometheus makes itself for each target (not the controller's). */
const PROMETHEUS_SERIES = new Map([['up', ['job', 'instance', 'namespace', 'pod', 'service']]]);

interface Target {
  expr: string;
  refId: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { type: string; name: string; query: unknown; definition?: string }[] };
}
interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

/** A named PromQL expression (where it came from, for the failure message). */
interface Query {
  readonly where: string;
  readonly expr: string;
}

/** What is wrong with the metrics `queries` name, against `series` (name → label names). */
function problems(queries: readonly Query[], series: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const { where, expr } of queries) {
    for (const s of selectors(expr)) {
      const labels =
        s.metric === null ? undefined : (series.get(s.metric) ?? PROMETHEUS_SERIES.get(s.metric));
      if (labels === undefined) {
        found.push(`${where}: ${s.metric ?? '(no metric name)'} is not exported`);
        continue;
      }
      for (const label of s.labels.filter((l) => !labels.includes(l)))
        found.push(`${where}: ${s.metric ?? ''} has no label ${label}`);
    }
  }
  return found;
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function dashboardQueries(dashboard: Dashboard): Query[] {
  const targets = allPanels(dashboard.panels).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: fromGrafana(t.expr) })),
  );
  const variables = dashboard.templating.list.flatMap((v) => {
    const metric = /^label_values\((\w+),\s*\w+\)$/.exec(v.definition ?? '')?.[1];
    return metric === undefined ? [] : [{ where: `variable ${v.name}`, expr: metric }];
  });
  return [...targets, ...variables];
}

function ruleQueries(file: RuleFile): Query[] {
  return file.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `alert ${r.alert ?? '?'}`, expr: r.expr ?? '' })),
  );
}

let series: Map<string, readonly string[]>;
let dashboard: Dashboard;
let rules: RuleFile;
beforeAll(async () => {
  series = await exportedSeries();
  dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
  rules = parse(await readFile(ALERTS, 'utf8')) as RuleFile;
});

describe('the Grafana dashboard', () => {
  it('queries only metrics (and labels) the controller exports', () => {
    expect(dashboardQueries(dashboard).length).toBeGreaterThan(30);
    expect(problems(dashboardQueries(dashboard), series)).toEqual([]);
  });

  it('has unique panel ids, each panel on the ${datasource} Prometheus variable, in a 24-column grid', () => {
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }),
    );
    for (const p of panels.filter((q) => q.type !== 'row')) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
  });

  it('covers reconcile latency, OpenStack calls, queue depth, LBs by status, ingress, sweeps, watches, leader, build', () => {
    const used = new Set(dashboardQueries(dashboard).flatMap((q) => selectors(q.expr).map((s) => s.metric)));
    for (const metric of [
      'kuryr_reconcile_duration_seconds_bucket',
      'kuryr_openstack_requests_total',
      'kuryr_queue_depth',
      'kuryr_loadbalancers',
      'kuryr_service_ingress_seconds_bucket',
      'kuryr_orphan_sweeps_total',
      'kuryr_kube_watch_restarts_total',
      'kuryr_leader',
      'kuryr_build_info',
    ])
      expect(used, metric).toContain(metric);
    const exprs = dashboardQueries(dashboard).map((q) => q.expr);
    expect(exprs.some((e) => e.includes('service="load-balancer"'))).toBe(true);
    expect(exprs.some((e) => e.includes('service="network"'))).toBe(true);
  });
});

describe('the alert rules', () => {
  it('are rule groups where every rule has alert, expr, for, labels.severity and annotations.summary', () => {
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThan(5);
    for (const rule of all) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Kuryr[A-Za-z]+$/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toMatch(/\S/);
    }
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
  });

  it('query only metrics (and labels) the controller exports', () => {
    expect(problems(ruleQueries(rules), series)).toEqual([]);
  });

  it("deploy/observability/alerts.yaml holds the chart's rules (what its PrometheusRule embeds)", async () => {
    const chartRules = parse(
      await readFile(join(CHART, 'files/kuryr-services.rules.yaml'), 'utf8'),
    ) as unknown;
    expect(rules).toEqual(chartRules);
  });
});

describe('the rules and dashboard queries in Prometheus itself (promtool from Debian, tools.sh)', () => {
  let promtool = '';
  beforeAll(() => {
    const r = tool('bash', [join(REPO, 'scripts/deploy/render'), '--promtool']);
    if (r.code !== 0) throw new Error(`scripts/deploy/render --promtool failed:\n${r.stderr}`);
    promtool = r.stdout.trim();
  });

  it('load: promtool check rules finds every rule', () => {
    const r = tool(promtool, ['check', 'rules', ALERTS]);
    expect(r.stderr).toBe('');
    const count = rules.groups.flatMap((g) => g.rules).length;
    expect(r.stdout).toContain(`SUCCESS: ${String(count)} rules found`);
  });

  it("accept every dashboard query (Prometheus' own parser and type checks, as recording rules)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-dashboard-'));
    try {
      const exprs = dashboardQueries(dashboard).map((q, i) => ({
        record: `dashboard:q${String(i)}`,
        expr: q.expr,
      }));
      const file = join(dir, 'dashboard.rules.yaml');
      await writeFile(file, stringify({ groups: [{ name: 'dashboard', rules: exprs }] }));
      const r = tool(promtool, ['check', 'rules', file]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`SUCCESS: ${String(exprs.length)} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('each have a case in alerts.promtool.yaml where they fire', async () => {
    const cases = parse(await readFile(RULE_TESTS, 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      cases.tests.flatMap((t) =>
        t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert ?? ''));
    expect(alerts.filter((a) => !firing.has(a))).toEqual([]);
  });

  it('fire on the series of alerts.promtool.yaml, with their labels and annotations, and only there', () => {
    const r = tool(promtool, ['test', 'rules', RULE_TESTS]);
    expect(r.stdout + r.stderr).not.toContain('FAILED');
    expect(r.code).toBe(0);
  });
});

describe("the chart's Prometheus Operator objects", () => {
  it("embed these rules, and scrape keeping the controller's own `service` label", () => {
    const objects = renderChart({
      args: ['--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true'],
    });
    expect(only(objects, 'PrometheusRule').spec).toEqual(rules);
    const spec = only(objects, 'ServiceMonitor').spec as { endpoints: { honorLabels?: boolean }[] };
    expect(spec.endpoints.map((e) => e.honorLabels)).toEqual([true]);
  });
});

describe('the checks above', () => {
  it('catch a renamed metric, a label it lacks, a Grafana-only expression and a syntax error', () => {
    const renamed = dashboardQueries(dashboard).map((q) => ({
      ...q,
      expr: q.expr.replaceAll('kuryr_queue_depth', 'kuryr_queue_length'),
    }));
    expect(problems(renamed, series)).toContainEqual(
      expect.stringMatching(/kuryr_queue_length is not exported/),
    );
    const wrongLabel = [{ where: 'x', expr: 'rate(kuryr_kube_requests_total{status="500"}[5m])' }];
    expect(problems(wrongLabel, series)).toEqual(['x: kuryr_kube_requests_total has no label status']);
    expect(problems([{ where: 'y', expr: 'kuryr_reconcile_duration_seconds' }], series)).toEqual([
      'y: kuryr_reconcile_duration_seconds is not exported',
    ]);
    expect(() => selectors('sum(rate(kuryr_queue_depth[5m])')).toThrow(/syntax error/);
  });
});
