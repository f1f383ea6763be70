/**
 * Shared test wiring for the kube I/O tests: a simulated API server, a fake clock for every
 * wait of the code under test, captured log lines and metrics, and a TCP gate in front of the
 * server whose `close()` makes new connections fail with ECONNREFUSED (a real refusal: the
 * port is not listened on) until `open()`.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LogFn } from '../../../src/engine/observability.js';
import type { Logger } from '../../../src/kube/logger.js';
import type { KubeMetrics } from '../../../src/kube/metrics.js';

/** One captured log line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line. */
export function capturingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']): LogFn =>
    (fields, msg) => {
      lines.push({ level, msg, fields: fields as Record<string, unknown> });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** One captured metrics sample. */
export interface Sample {
  readonly operation: string;
  readonly code: string;
  readonly seconds: number;
}

/** KubeMetrics that keep every sample; `count(op, code?)` counts them. */
export function capturingMetrics(): KubeMetrics & {
  samples: Sample[];
  count(op: string, code?: string): number;
} {
  const samples: Sample[] = [];
  return {
    samples,
    request(operation, code, seconds) {
      samples.push({ operation, code, seconds });
    },
    count: (op, code) =>
      samples.filter((s) => s.operation === op && (code === undefined || s.code === code)).length,
  };
}

/** A KubeConfig for `url` with a bearer token (plain HTTP needs skipTLSVerify in client-node 1.4). */
export function kubeConfigFor(url: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'gate', server: url, skipTLSVerify: true }],
    users: [{ name: 'gate', token }],
    contexts: [{ name: 'gate', cluster: 'gate', user: 'gate' }],
    currentContext: 'gate',
  });
  return kc;
}

/** A TCP forwarder to 127.0.0.1:`targetPort` that can stop listening and listen again on the same port. */
export class TcpGate {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(private readonly targetPort: number) {}

  /** Starts the gate open on a free port. */
  static async start(targetPort: number): Promise<TcpGate> {
    const gate = new TcpGate(targetPort);
    await gate.open();
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port once known). */
  async open(): Promise<void> {
    if (this.server !== null) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every connection: new connections are refused. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
