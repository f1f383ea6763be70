/**
 * The figures table a chaos run prints at its end: the seed (to reproduce it), what was done
 * (steps, kills, faults injected), what the checks found, and the request rates through the
 * fault proxies. Pure formatting.
 */
import type { CheckResult } from './checks.js';

/** A bound on a request rate: per second, and on average over a phase. */
export interface RateLimit {
  readonly max: number;
  readonly mean: number;
}

/**
 * The hot-loop bound during the churn, from the Services churned and the controller's workers.
 * Measured (docs/bench/results.md, full run seed 20261205: 50 Services, 4 workers, faults on):
 * max 63 req/s (a restart's resync: every cached Service re-read), mean 6.4. Each worker runs
 * one reconcile at a time, so the bursts scale with the workers (a handful of requests per
 * reconcile, several reconciles a second each on the loopback cloud) plus one read per Service
 * at a resync: max 25 x workers + services (full: 150, 2.4x the measured 63). The mean gets
 * 5 x workers (full: 20, 3x the measured 6.4): one worker retrying without back-off against the
 * loopback cloud alone does more than that for as long as it spins.
 */
export function churnLimitFor(services: number, workers: number): RateLimit {
  return { max: 25 * workers + services, mean: 5 * workers };
}

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
  /** The most req/s any second of the churn may see, and the most on average (`churnLimitFor`). */
  readonly churnLimit: RateLimit;
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

/** The churn's rate problems against its limit (empty: no hot loop while churning). */
export function churnProblems(f: Figures): string[] {
  const { churn } = f.rates;
  const out: string[] = [];
  if (churn.max > f.churnLimit.max)
    out.push(`hot loop: ${churn.max} req/s in one second of the churn > ${f.churnLimit.max}`);
  if (churn.mean > f.churnLimit.mean)
    out.push(`hot loop: ${fixed(churn.mean)} req/s mean during the churn > ${f.churnLimit.mean}`);
  return out;
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
    row(
      `req/s during churn (limit ${f.churnLimit.max} / ${f.churnLimit.mean})`,
      `${f.rates.churn.max} / ${fixed(f.rates.churn.mean)}`,
    ),
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
  out.push(...churnProblems(f));
  if (!quiet(f)) out.push(`hot loop: ${fixed(f.rates.idle.mean)} req/s idle > ${f.idleLimit}`);
  if (f.leftAfterCleanup > 0) out.push(`clean-up left ${f.leftAfterCleanup} object(s)`);
  return out;
}

/** The exit code of `npm run chaos`: 0 when every check passed, 1 when any failed. */
export function exitCode(f: Figures): number {
  return problems(f).length === 0 ? 0 : 1;
}
