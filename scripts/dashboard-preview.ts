/**
 * `npm run dashboard:preview`: renders the Grafana dashboard's queries from the metrics of a
 * real run, where Grafana itself cannot be installed (it is in neither of this machine's
 * registries). Debian's Prometheus scrapes the controller of a workload (by default the
 * sandbox demo, `scripts/sandbox --once`, on the local test cloud), serves the dashboard
 * converted to a console template (scripts/dashboard-preview-parts/console.ts), and Debian's
 * Chromium takes a full-page screenshot of it.
 *
 *   npm run dashboard:preview -- [--out docs/observability/dashboard-preview.png]
 *                                [--metrics-url http://127.0.0.1:PORT --duration 300]
 *
 * With --metrics-url it scrapes an already running controller for --duration seconds instead
 * of running the sandbox. Needs the Debian packages prometheus and chromium (it says so and
 * exits 2 when they are missing; it installs nothing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleTemplate, type GrafanaDashboard } from './dashboard-preview-parts/console.js';

const REPO = resolve(import.meta.dirname, '../..');
const DASHBOARD = join(REPO, 'deploy/observability/grafana-dashboard.json');
const PROMETHEUS = '/usr/bin/prometheus';
const CHROMIUM = '/usr/bin/chromium';
const CONSOLE_LIBRARIES = '/usr/share/doc/prometheus/examples/console_libraries';
const JOB = 'kuryr-services';
const SCRAPE_SECONDS = 5;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => {
    child.once('exit', (code) => {
      done(code);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function writeTargets(file: string, metricsUrl: string): Promise<void> {
  const target = new URL(metricsUrl);
  // Prometheus watches the file: write it whole, then rename, so it never reads half of it.
  await writeFile(`${file}.new`, JSON.stringify([{ targets: [target.host], labels: {} }]));
  await rename(`${file}.new`, file);
}

/** Runs the sandbox demo once, pointing Prometheus at its controller when it prints its URL. */
async function runSandbox(targetsFile: string): Promise<void> {
  const child = spawn('bash', [join(REPO, 'scripts/sandbox'), '--once'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    buffered += chunk.toString('utf8');
    const match = /metrics (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(buffered);
    if (match?.[1] !== undefined) {
      buffered = '';
      void writeTargets(targetsFile, match[1]);
    } else if (buffered.length > 1_000_000) {
      buffered = buffered.slice(-10_000);
    }
  });
  const code = await exited(child);
  if (code !== 0) throw new Error(`the sandbox exited with ${String(code)}`);
}

interface Flags {
  readonly out: string;
  readonly metricsUrl: string | undefined;
  readonly duration: number;
  readonly keepDir: boolean;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function flags(): Flags {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(REPO, 'docs/observability/dashboard-preview.png') },
      'metrics-url': { type: 'string' },
      duration: { type: 'string', default: '300' },
      'keep-dir': { type: 'boolean', default: false },
    },
  });
  const duration = Number(values.duration);
  if (!Number.isInteger(duration) || duration < 30) {
    throw new UsageError(`--duration must be a whole number of seconds >= 30, not ${values.duration}`);
  }
  const missing = [PROMETHEUS, CHROMIUM, CONSOLE_LIBRARIES].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new UsageError(
      `missing ${missing.join(', ')}: install the Debian packages first (apt-get install prometheus chromium)`,
    );
  }
  return {
    out: resolve(values.out),
    metricsUrl: values['metrics-url'],
    duration,
    keepDir: values['keep-dir'],
  };
}

/** Writes the console template, its libraries, the scrape config and an empty target list. */
async function prepare(dir: string): Promise<{ consoles: string; libraries: string; targetsFile: string }> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as GrafanaDashboard;
  const consoles = join(dir, 'consoles');
  const libraries = join(dir, 'console_libraries');
  await mkdir(consoles);
  await mkdir(libraries);
  for (const lib of ['prom.lib', 'menu.lib'])
    await copyFile(join(CONSOLE_LIBRARIES, lib), join(libraries, lib));
  await writeFile(
    join(consoles, 'kuryr.html'),
    consoleTemplate(dashboard, { job: JOB, rateInterval: '1m', lookback: '1h' }),
  );
  const targetsFile = join(dir, 'targets.json');
  await writeFile(targetsFile, '[]');
  const config = [
    'global:',
    `  scrape_interval: ${SCRAPE_SECONDS}s`,
    `  evaluation_interval: ${SCRAPE_SECONDS}s`,
    'scrape_configs:',
    `  - job_name: ${JOB}`,
    '    file_sd_configs:',
    `      - files: ['${targetsFile}']`,
    `        refresh_interval: ${SCRAPE_SECONDS}s`,
    '',
  ];
  await writeFile(join(dir, 'prometheus.yml'), config.join('\n'));
  return { consoles, libraries, targetsFile };
}

interface Prometheus {
  readonly base: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

async function startPrometheus(dir: string, consoles: string, libraries: string): Promise<Prometheus> {
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.console.templates=${consoles}`,
      `--web.console.libraries=${libraries}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  });
  const prometheus: Prometheus = {
    base: `http://127.0.0.1:${port}`,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
  await waitHttp(`${prometheus.base}/-/ready`, 60_000).catch(async (err: unknown) => {
    await prometheus.stop();
    throw err;
  });
  return prometheus;
}

async function screenshot(base: string, seconds: number, out: string): Promise<string> {
  // Over the whole run: once the workload's controller has stopped, its series are stale.
  const query = encodeURIComponent(`count(count_over_time(kuryr_build_info[${seconds}s]))`);
  const samples = (await (await fetch(`${base}/api/v1/query?query=${query}`)).json()) as {
    data?: { result?: unknown[] };
  };
  if ((samples.data?.result?.length ?? 0) === 0) {
    throw new Error('Prometheus holds no kuryr_build_info sample: the controller was never scraped');
  }
  const hash = encodeURIComponent(JSON.stringify({ duration: seconds, endTime: 0 }));
  const url = `${base}/consoles/kuryr.html#pctc${hash}`;
  await mkdir(dirname(out), { recursive: true });
  const chromium = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--window-size=1400,9000',
      '--virtual-time-budget=20000',
      `--screenshot=${out}`,
      url,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await exited(chromium);
  if (code !== 0 || !existsSync(out)) throw new Error(`chromium exited with ${String(code)}`);
  return url;
}

async function run(options: Flags, dir: string): Promise<void> {
  const { consoles, libraries, targetsFile } = await prepare(dir);
  const prometheus = await startPrometheus(dir, consoles, libraries);
  const started = Date.now();
  try {
    console.log(
      `dashboard-preview: Prometheus on ${prometheus.base}, scraping job ${JOB} every ${SCRAPE_SECONDS} s`,
    );
    if (options.metricsUrl === undefined) {
      await runSandbox(targetsFile);
    } else {
      await writeTargets(targetsFile, options.metricsUrl);
      await sleep(options.duration * 1000);
    }
    await sleep(2 * SCRAPE_SECONDS * 1000);
    const seconds = Math.ceil((Date.now() - started) / 1000) + 60;
    const url = await screenshot(prometheus.base, seconds, options.out);
    console.log(`dashboard-preview: ${options.out} (from ${url})`);
  } catch (err) {
    const log = prometheus.log();
    if (log !== '') console.error(`prometheus said (tail):\n${log.split('\n').slice(-15).join('\n')}`);
    throw err;
  } finally {
    await prometheus.stop();
  }
}

async function main(): Promise<number> {
  let options: Flags;
  try {
    options = flags();
  } catch (err) {
    console.error(`dashboard-preview: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const dir = await mkdtemp(join(tmpdir(), 'ks-dashboard-'));
  try {
    await run(options, dir);
    return 0;
  } catch (err) {
    console.error(`dashboard-preview: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    if (options.keepDir) console.log(`dashboard-preview: kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
