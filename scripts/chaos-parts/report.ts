/**
 * The figures table a chaos run prints at its end: the seed (to reproduce it), what was done
 * (steps, kills, faults injected), what the checks found, and the request rates through the
 * fault proxies. Pure formatting.
 */
import type { CheckResult } from './checks.js';

/** Everything the table shows. */
export interface Figures {
  readonly seed: number;
  readonly durationMs: number;
  readonly services: number;
  readonly incarnations: number;
  readonly steps: Readonly<Record<string, number>>;
  readonly kills: number;
  readonly starts: number;
  readonly listFaults: number;
  readonly watchExpired: number;
  readonly refusedMs: number;
  readonly tokenRevoked: string;
  readonly proxy: Readonly<Record<string, number>>;
  readonly rates: {
    readonly churn: { max: number; mean: number };
    readonly settle: { max: number; mean: number };
    readonly idle: { max: number; mean: number };
  };
  readonly idleLimit: number;
  readonly convergeMs: number;
  readonly checks: CheckResult;
  readonly leftAfterCleanup: number;
}

const fixed = (n: number): string => n.toFixed(1);

function row(name: string, value: string | number): string {
  return `| ${name.padEnd(44)} | ${String(value).padEnd(40)} |`;
}

/** True when the idle request rate is within the limit (no hot loop). */
export function quiet(f: Figures): boolean {
  return f.rates.idle.mean <= f.idleLimit;
}

/** The table, one line per figure, and a verdict line. */
export function figuresTable(f: Figures): string {
  const c = f.checks;
  const steps = Object.entries(f.steps)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const proxy = Object.entries(f.proxy)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    row('seed (reproduce: npm run chaos -- --seed N)', f.seed),
    row('duration', `${fixed(f.durationMs / 1000)} s`),
    row('Service names / incarnations', `${f.services} / ${f.incarnations}`),
    row('churn steps', steps),
    row('controller kill -9 / starts', `${f.kills} / ${f.starts}`),
    row('API list faults (503, 403) answered', f.listFaults),
    row('watches answered 410 Gone', f.watchExpired),
    row('API server refusing connections', `${f.refusedMs} ms`),
    row('Keystone token revoked', f.tokenRevoked),
    row('proxy', proxy),
    row('req/s during churn (max / mean)', `${f.rates.churn.max} / ${fixed(f.rates.churn.mean)}`),
    row('req/s while settling (max / mean)', `${f.rates.settle.max} / ${fixed(f.rates.settle.mean)}`),
    row(
      `req/s idle after convergence (limit ${f.idleLimit})`,
      `${f.rates.idle.max} / ${fixed(f.rates.idle.mean)}`,
    ),
    row('converged after the faults stopped in', `${fixed(f.convergeMs / 1000)} s`),
    row('leaked load balancers', c.leakedLoadBalancers.length),
    row('leaked floating IPs', c.leakedFloatingIps.length),
    row('leaked Neutron ports', c.leakedPorts.length),
    row('deleted while a live Service wanted it', c.wronglyDeleted.length),
    row('Services not converged', c.unconverged.length),
    row('left after the final clean-up', f.leftAfterCleanup),
  ];
  const rule = `+${'-'.repeat(46)}+${'-'.repeat(42)}+`;
  return [rule, ...lines, rule].join('\n');
}

/** Every failing check's details, one per line (empty when all passed). */
export function problems(f: Figures): string[] {
  const c = f.checks;
  const named: [string, readonly string[]][] = [
    ['leaked load balancer', c.leakedLoadBalancers],
    ['leaked floating IP', c.leakedFloatingIps],
    ['leaked port', c.leakedPorts],
    ['wrongly deleted', c.wronglyDeleted],
    ['not converged', c.unconverged],
  ];
  const out = named.flatMap(([what, list]) => list.map((item) => `${what}: ${item}`));
  if (!quiet(f)) out.push(`hot loop: ${fixed(f.rates.idle.mean)} req/s idle > ${f.idleLimit}`);
  if (f.leftAfterCleanup > 0) out.push(`clean-up left ${f.leftAfterCleanup} object(s)`);
  return out;
}
