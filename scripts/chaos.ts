/**
 * `npm run chaos`: the chaos suite with the real controller binary (dist/src/app/main.js),
 * the simulated API server and the real test cloud (see scripts/chaos-parts/run.ts). Prints
 * progress to stderr, the figures table (with the seed) to stdout, and exits 1 when an end
 * check failed. `--seed N` reproduces a run's faults and churn.
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULL, SHORT, type Preset } from './chaos-parts/presets.js';
import { exitCode, figuresTable, problems } from './chaos-parts/report.js';
import { runChaos } from './chaos-parts/run.js';

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`an integer >= ${min}, got "${value}"`);
    return n;
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`a rate in [0, 1], got "${value}"`);
  return n;
}

interface Flags {
  seed?: number;
  short?: boolean;
  services?: number;
  steps?: number;
  kills?: number;
  error5xx?: number;
  conflict?: number;
  reset?: number;
  lostResponse?: number;
  stall?: number;
  stallMs?: number;
  idleLimit?: number;
}

function parse(argv: readonly string[]): Flags {
  return new Command('chaos')
    .description('kill, fail and churn the controller against the test cloud; print the figures')
    .option('--seed <n>', 'seed of the faults and the churn (default: random, printed)', integer(0))
    .option('--short', 'the short variant of npm test (12 Services, 3 kills, few faults)')
    .option('--services <n>', 'Service names (full: 50)', integer(1))
    .option('--steps <n>', 'churn steps (full: 200; the first <services> create)', integer(1))
    .option('--kills <n>', 'kill -9 of the controller (full: 10)', integer(0))
    .option('--error5xx <p>', 'proxy: rate of 500/502/503 (full: 0.2)', rate)
    .option('--conflict <p>', 'proxy: rate of 409 on writes (full: 0.05)', rate)
    .option('--reset <p>', 'proxy: rate of connection resets before forwarding (full: 0.03)', rate)
    .option('--lost-response <p>', 'proxy: rate of resets after the upstream answered (full: 0.02)', rate)
    .option('--stall <p>', 'proxy: rate of stalls (full: 0.01)', rate)
    .option('--stall-ms <ms>', 'proxy: stall duration (full: 10000)', integer(0))
    .option('--idle-limit <n>', 'most mean req/s allowed once converged (default 2)', integer(0))
    .parse(argv, { from: 'user' })
    .opts<Flags>();
}

function presetOf(flags: Flags): Preset {
  const preset = flags.short === true ? SHORT : FULL;
  const rates = { ...preset.rates };
  for (const key of ['error5xx', 'conflict', 'reset', 'lostResponse', 'stall'] as const)
    rates[key] = flags[key] ?? rates[key];
  const pick = (key: 'services' | 'steps' | 'kills' | 'stallMs' | 'idleLimit'): number =>
    flags[key] ?? preset[key];
  return {
    ...preset,
    rates,
    services: pick('services'),
    steps: pick('steps'),
    kills: pick('kills'),
    stallMs: pick('stallMs'),
    idleLimit: pick('idleLimit'),
  };
}

async function main(): Promise<number> {
  const flags = parse(process.argv.slice(2));
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const figures = await runChaos({
    ...presetOf(flags),
    seed,
    mainJs: path.resolve(here, '..', 'src', 'app', 'main.js'),
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  process.stdout.write(`${figuresTable(figures)}\n`);
  const failed = problems(figures);
  for (const line of failed) process.stdout.write(`FAIL ${line}\n`);
  process.stdout.write(
    failed.length === 0 ? 'chaos: every end check passed\n' : `chaos: ${failed.length} check(s) failed\n`,
  );
  return exitCode(figures);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
