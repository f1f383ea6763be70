/**
 * The listening socket of a simulated server and its connection-level faults: refusing
 * connections (the listener is closed, so clients get ECONNREFUSED, and every open
 * connection, watches included, is destroyed), accepting them again on the same port, and
 * the final stop. All transitions are idempotent.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Open/refusing/stopped state of one server's listener on 127.0.0.1. */
export class Listener {
  private port = 0;
  private listening = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: Server,
    /** Called when connections are dropped (to end watch streams first). */
    private readonly onDrop: () => void,
  ) {}

  /** The bound port (0 before `listen`). */
  get boundPort(): number {
    return this.port;
  }

  /** True while connections are refused (between `refuse` and `accept`). */
  get refusing(): boolean {
    return !this.listening && !this.stopped && this.port !== 0;
  }

  /** Listens on `port` (0: any free one); resolves with the bound port. */
  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(error);
      };
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
    return this.port;
  }

  /** Stops accepting and destroys open connections; with `forMs`, accepts again after that long. */
  async refuse(forMs?: number): Promise<void> {
    clearTimeout(this.timer);
    if (this.listening) await this.close();
    if (forMs !== undefined && !this.stopped) {
      this.timer = setTimeout(() => {
        this.accept().catch((error: unknown) => {
          process.stderr.write(`simulated kube-apiserver: cannot listen again: ${String(error)}\n`);
        });
      }, forMs);
    }
  }

  /** Listens again on the same port after `refuse`; no-op when listening or stopped. */
  async accept(): Promise<void> {
    clearTimeout(this.timer);
    if (this.listening || this.stopped) return;
    await this.listen(this.port);
  }

  /** Closes for good. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.stopped = true;
    if (this.listening) await this.close();
  }

  private async close(): Promise<void> {
    this.listening = false;
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    this.onDrop();
    this.server.closeAllConnections();
    await closed;
  }
}
