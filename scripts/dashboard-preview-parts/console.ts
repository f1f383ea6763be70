/**
 * Turns the Grafana dashboard (deploy/observability/grafana-dashboard.json) into a Prometheus
 * console template, so the dashboard's own queries can be rendered by Debian's Prometheus
 * (its console library draws graphs with rickshaw) where Grafana cannot be installed. Rows
 * become headings, time series become graphs with the panels' legends, stat and table panels
 * become a table of current values. Dashboard variables are replaced: `$job` by the scrape
 * job, `$__rate_interval` by a fixed range.
 */

/** The parts of a Grafana panel this reads. */
export interface GrafanaPanel {
  readonly type: string;
  readonly title?: string;
  readonly description?: string;
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string } };
  readonly targets?: readonly { readonly expr?: string; readonly legendFormat?: string }[];
  readonly panels?: readonly GrafanaPanel[];
}

export interface GrafanaDashboard {
  readonly title?: string;
  readonly panels: readonly GrafanaPanel[];
}

export interface ConsoleOptions {
  /** The value for `$job` (a regex, as Grafana's multi-value variable gives). */
  readonly job: string;
  /** The value for `$__rate_interval`, e.g. `1m`. */
  readonly rateInterval: string;
  /**
   * Stat and table panels show the last value within this range (e.g. `1h`), through a
   * subquery, so a page rendered after the workload stopped still shows them; absent: the
   * value now.
   */
  readonly lookback?: string;
}

/** Raised when a panel cannot be expressed in a console template. */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
}

/** The dashboard's expression with its variables replaced. */
export function substitute(expr: string, options: ConsoleOptions): string {
  const out = expr
    .replaceAll('$__rate_interval', options.rateInterval)
    .replaceAll('${job}', options.job)
    .replaceAll('$job', options.job);
  const left = /\$\{?[A-Za-z_]\w*/.exec(out);
  if (left !== null) throw new ConsoleError(`unknown dashboard variable ${left[0]} in: ${expr}`);
  // A Go template would read `{{` and a raw string ends at a backquote.
  if (out.includes('{{') || out.includes('}}') || out.includes('`')) {
    throw new ConsoleError(`expression cannot be placed in a console template: ${out}`);
  }
  return out;
}

/** Grafana's `{{label}}` legend as the console library's `[[ label ]]`; `__auto` → null. */
export function legend(format: string | undefined): string | null {
  if (format === undefined || format === '' || format === '__auto') return null;
  return format.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, '[[ $1 ]]');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A JS string literal safe inside a <script> and inside a Go template. */
function jsString(text: string): string {
  return JSON.stringify(text).replaceAll('<', '\\u003c');
}

function formatter(unit: string | undefined): string {
  if (unit === 'bytes') return 'PromConsole.NumberFormatter.humanize1024';
  return 'PromConsole.NumberFormatter.humanizeNoSmallPrefix';
}

function unitSuffix(unit: string | undefined): string {
  switch (unit) {
    case 's':
      return 's';
    case 'bytes':
      return 'B';
    case 'ops':
      return '/s';
    case 'reqps':
      return 'req/s';
    case 'percentunit':
      return ' (1 = 100%)';
    default:
      return '';
  }
}

function flatten(panels: readonly GrafanaPanel[]): GrafanaPanel[] {
  const out: GrafanaPanel[] = [];
  for (const panel of panels) {
    out.push(panel);
    if (panel.type === 'row' && panel.panels !== undefined) {
      for (const inner of flatten(panel.panels)) out.push(inner);
    }
  }
  return out;
}

function graph(panel: GrafanaPanel, index: number, options: ConsoleOptions): string {
  const targets = (panel.targets ?? []).filter((t) => t.expr !== undefined);
  if (targets.length === 0) throw new ConsoleError(`panel "${panel.title ?? index}" has no query`);
  const exprs = targets.map((t) => jsString(substitute(t.expr ?? '', options)));
  const names = targets.map((t) => {
    const name = legend(t.legendFormat);
    return name === null ? 'null' : jsString(name);
  });
  const unit = panel.fieldConfig?.defaults?.unit;
  const id = `panel${index}`;
  // With one target and no legend the library names series by their labels (name: null).
  const nameOption = names.every((n) => n === 'null') ? 'null' : `[${names.join(', ')}]`;
  return [
    `<h3>${escapeHtml(panel.title ?? '')}</h3>`,
    `<div id="${id}"></div>`,
    '<script>',
    'new PromConsole.Graph({',
    `  node: document.querySelector("#${id}"),`,
    `  expr: [${exprs.join(', ')}],`,
    `  name: ${nameOption},`,
    '  min: 0,',
    `  yAxisFormatter: ${formatter(unit)},`,
    `  yHoverFormatter: ${formatter(unit)},`,
    `  yUnits: ${jsString(unitSuffix(unit))},`,
    `  yTitle: ${jsString(panel.title ?? '')}`,
    '});',
    '</script>',
  ].join('\n');
}

function valueTable(panel: GrafanaPanel, options: ConsoleOptions): string {
  const rows = (panel.targets ?? [])
    .filter((t) => t.expr !== undefined)
    .map((t) => {
      const now = substitute(t.expr ?? '', options);
      const expr = options.lookback === undefined ? now : `last_over_time((${now})[${options.lookback}:])`;
      return [
        `{{ range query \`${expr}\` }}`,
        '<tr><td>{{ range $k, $v := .Labels }}{{ if ne $k "__name__" }}{{ $k }}="{{ $v }}" {{ end }}{{ end }}</td>',
        '<td>{{ .Value | humanize }}</td></tr>',
        `{{ else }}<tr><td colspan="2"><code>${escapeHtml(expr)}</code>: no data</td></tr>{{ end }}`,
      ].join('');
    });
  return [
    `<h3>${escapeHtml(panel.title ?? '')}</h3>`,
    '<table class="table table-sm table-bordered">',
    ...rows,
    '</table>',
  ].join('\n');
}

/**
 * The console template for the dashboard. It uses the templates of the console library
 * Prometheus ships as an example (prom.lib: the script/style head, the time control, "tail").
 */
export function consoleTemplate(dashboard: GrafanaDashboard, options: ConsoleOptions): string {
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    `<head>{{ template "prom_console_head" }}<title>${escapeHtml(dashboard.title ?? 'dashboard')}</title></head>`,
    '<body>',
    '{{ template "prom_content_head" . }}',
  ];
  parts.push(`<h1>${escapeHtml(dashboard.title ?? 'dashboard')}</h1>`);
  parts.push(
    `<p>Rendered by Prometheus from the queries of deploy/observability/grafana-dashboard.json` +
      ` (job=~"${escapeHtml(options.job)}", rate interval ${escapeHtml(options.rateInterval)}).</p>`,
  );
  let index = 0;
  for (const panel of flatten(dashboard.panels)) {
    index += 1;
    switch (panel.type) {
      case 'row':
        parts.push(`<h2>${escapeHtml(panel.title ?? '')}</h2>`);
        break;
      case 'timeseries':
        parts.push(graph(panel, index, options));
        break;
      case 'stat':
      case 'table':
      case 'gauge':
        parts.push(valueTable(panel, options));
        break;
      default:
        throw new ConsoleError(
          `panel "${panel.title ?? index}" has type ${panel.type}, which is not rendered`,
        );
    }
  }
  parts.push('{{ template "prom_content_tail" . }}', '{{ template "tail" }}');
  return `${parts.join('\n')}\n`;
}
