/**
 * The series selectors of a PromQL expression, read with Prometheus' own grammar
 * (@prometheus-io/lezer-promql): each vector selector's metric name and the label names its
 * matchers use. Grafana's variables are replaced first, the way Grafana would before sending.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** One `metric{label="…", …}` of an expression. */
export interface Selector {
  /** The metric name; null for a selector of matchers only (`{__name__=~"…"}`). */
  readonly metric: string | null;
  /** Label names of the selector's matchers, in order. */
  readonly labels: readonly string[];
}

/**
 * `expr` with Grafana's variables made PromQL: a `[$__rate_interval]`-like range becomes
 * `[5m]`, every other `$name` / `${name}` (they stand inside label values) becomes `x`.
 */
export function fromGrafana(expr: string): string {
  return expr.replace(/\[\$\{?__\w+\}?\]/g, '[5m]').replace(/\$\{?\w+\}?/g, 'x');
}

/** The selectors of `expr`; throws naming the offset of the first syntax error. */
export function selectors(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const found: Selector[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL syntax error at ${cursor.from} in: ${expr}`);
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const name = node.getChild('Identifier');
    const matchers = node.getChild('LabelMatchers');
    const labels = (matchers?.getChildren('UnquotedLabelMatcher') ?? []).map((m) => {
      const label = m.getChild('LabelName');
      return label === null ? '' : expr.slice(label.from, label.to);
    });
    found.push({ metric: name === null ? null : expr.slice(name.from, name.to), labels });
  } while (cursor.next());
  return found;
}
