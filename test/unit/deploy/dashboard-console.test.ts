/**
 * The dashboard preview's converter: the Grafana dashboard as a Prometheus console template
 * (scripts/dashboard-preview-parts/console.ts). Every panel of the shipped dashboard is
 * rendered, with its own queries and no dashboard variable left.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConsoleError,
  consoleTemplate,
  legend,
  substitute,
  type GrafanaDashboard,
} from '../../../scripts/dashboard-preview-parts/console.js';
import { REPO } from './render.js';

const OPTIONS = { job: 'kuryr-services', rateInterval: '1m' };

async function dashboard(): Promise<GrafanaDashboard> {
  return JSON.parse(
    await readFile(join(REPO, 'deploy/observability/grafana-dashboard.json'), 'utf8'),
  ) as GrafanaDashboard;
}

describe('dashboard console template', () => {
  it('renders every panel of the shipped dashboard with its own queries', async () => {
    const board = await dashboard();
    const html = consoleTemplate(board, OPTIONS);
    let graphs = 0;
    let tables = 0;
    for (const panel of board.panels) {
      expect(html).toContain(`<h${panel.type === 'row' ? 2 : 3}>${panel.title ?? ''}</h`);
      for (const target of panel.targets ?? []) {
        const expr = substitute(target.expr ?? '', OPTIONS);
        if (panel.type === 'timeseries') expect(html).toContain(JSON.stringify(expr));
        else expect(html).toContain(`{{ range query \`${expr}\` }}`);
      }
      if (panel.type === 'timeseries') graphs += 1;
      if (panel.type === 'stat' || panel.type === 'table') tables += 1;
    }
    expect(html.split('new PromConsole.Graph(').length - 1).toBe(graphs);
    expect(html.split('<table').length - 1).toBe(tables);
    expect(graphs).toBeGreaterThan(20);
    expect(html).not.toMatch(/\$job|\$__rate_interval|\$\{/);
    expect(html).toContain('{{ template "prom_console_head" }}');
    const stat = board.panels.find((p) => p.type === 'stat');
    const lookback = consoleTemplate(board, { ...OPTIONS, lookback: '1h' });
    const statExpr = substitute(stat?.targets?.[0]?.expr ?? '', OPTIONS);
    expect(lookback).toContain(`{{ range query \`last_over_time((${statExpr})[1h:])\` }}`);
  });

  it('substitutes the variables and refuses what a console cannot hold', () => {
    expect(substitute('rate(x{job=~"$job"}[$__rate_interval])', OPTIONS)).toBe(
      'rate(x{job=~"kuryr-services"}[1m])',
    );
    expect(substitute('x{job=~"${job}"}', OPTIONS)).toBe('x{job=~"kuryr-services"}');
    expect(() => substitute('x{pod=~"$pod"}', OPTIONS)).toThrow(ConsoleError);
    expect(() => substitute('label_replace(x, "a", "{{b}}", "", "")', OPTIONS)).toThrow(/console template/);
  });

  it("turns Grafana legends into the console library's", () => {
    expect(legend('p95 {{controller}}')).toBe('p95 [[ controller ]]');
    expect(legend('{{ service }} {{status}}')).toBe('[[ service ]] [[ status ]]');
    expect(legend('__auto')).toBeNull();
    expect(legend(undefined)).toBeNull();
  });

  it('escapes titles and refuses panel types it cannot draw', () => {
    const html = consoleTemplate(
      { title: 'a<b>', panels: [{ type: 'timeseries', title: '<script>', targets: [{ expr: 'up' }] }] },
      OPTIONS,
    );
    expect(html).not.toContain('<script>new');
    expect(html).toContain('&#60;script&#62;');
    expect(() =>
      consoleTemplate({ panels: [{ type: 'heatmap', title: 'h', targets: [{ expr: 'up' }] }] }, OPTIONS),
    ).toThrow(/heatmap/);
    expect(() => consoleTemplate({ panels: [{ type: 'timeseries', title: 'empty' }] }, OPTIONS)).toThrow(
      /no query/,
    );
  });
});
