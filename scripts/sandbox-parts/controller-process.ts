/**
 * The real controller binary (`dist/src/app/main.js controller`) as a child process, its
 * JSON logs appended to a file. `start` resolves once its /readyz answers; `stop` sends
 * SIGTERM (the controller drains) and escalates to SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** How to run the controller. */
export interface ControllerProcessOptions {
  readonly mainJs: string;
  readonly kubeconfig: string;
  readonly kuryrConf: string;
  readonly cloudsYaml: string;
  readonly logFile: string;
  readonly logLevel?: string;
}

/** A running controller process. */
export interface ControllerProcess {
  readonly pid: number;
  readonly metricsUrl: string;
  /** Resolves with the exit code; idempotent. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Raised when the controller exits or never becomes ready. */
export class ControllerStartError extends Error {
  override readonly name = 'ControllerStartError';
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function waitReady(child: ChildProcess, url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** Spawns the controller and waits (up to 60 s) until it is ready; throws with its last log lines otherwise. */
export async function startControllerProcess(opts: ControllerProcessOptions): Promise<ControllerProcess> {
  const port = await freePort();
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const args = [opts.mainJs, 'controller', '--kubeconfig', opts.kubeconfig, '--os-cloud', 'testcloud'];
  args.push('--config', opts.kuryrConf, '--metrics-addr', `127.0.0.1:${port}`);
  args.push('--log-level', opts.logLevel ?? 'info');
  const child = spawn(process.execPath, args, {
    env: { ...process.env, OS_CLIENT_CONFIG_FILE: opts.cloudsYaml },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a Ctrl-C in the terminal reaches the sandbox only, which must keep
    // the controller running while it deletes the Services and waits for their release.
    detached: true,
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const done = exited(child).then((code) => {
    process.off('exit', killOnExit);
    log.end();
    return code;
  });
  const metricsUrl = `http://127.0.0.1:${port}`;
  if (!(await waitReady(child, metricsUrl, 60_000))) {
    child.kill('SIGKILL');
    await done;
    throw new ControllerStartError(
      `start controller: not ready within 60 s (log ${opts.logFile}):\n${await tail(opts.logFile, 15)}`,
    );
  }
  return {
    pid: child.pid ?? -1,
    metricsUrl,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await done;
      clearTimeout(timer);
      return code;
    },
  };
}
