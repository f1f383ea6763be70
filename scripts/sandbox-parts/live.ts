/**
 * The live view: re-reads the rows of `kuryr-services status` (src/services/status/) every ~2 s and redraws. On a terminal the screen is
 * cleared and redrawn (narration lines above the table); otherwise (CI, tests) the table is
 * printed only when it changed, and narration lines are printed as they come.
 */
import { readStatusRows, type StatusReadInput } from '../../src/services/status/read.js';
import { renderStatusTable, type StatusRow as Row } from '../../src/services/status/rows.js';

/** Where the rows come from: the same reads as `kuryr-services status -n <namespace>`. */
export type TableSources = StatusReadInput;

/** Raised when a wait is cut short by a stop request or runs out of time. */
export class WaitError extends Error {
  override readonly name = 'WaitError';
}

/** The refreshing table and the narration. */
export class LiveView {
  private rows: Row[] = [];
  private lastPrinted = '';
  private readonly narration: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sources: TableSources,
    private readonly out: { write(text: string): unknown; readonly isTTY?: boolean },
  ) {}

  /** Starts refreshing every `periodMs`. */
  start(periodMs = 2000): void {
    const tick = (): void => {
      this.refreshing = this.refresh().finally(() => {
        if (this.timer !== null) this.timer = setTimeout(tick, periodMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops refreshing (after the refresh in flight, if any). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.refreshing;
  }

  /** The rows of the latest refresh. */
  current(): readonly Row[] {
    return this.rows;
  }

  /** Prints one narration line (timestamped). */
  narrate(line: string): void {
    const stamped = `[${new Date().toISOString().slice(11, 19)}] ${line}`;
    this.narration.push(stamped);
    if (this.out.isTTY === true) this.draw();
    else this.out.write(`${stamped}\n`);
  }

  /** Waits until `check(rows)` holds after a refresh; throws WaitError on timeout or abort. */
  async waitFor(what: string, check: (rows: readonly Row[]) => boolean, opts: WaitOptions): Promise<void> {
    const deadline = Date.now() + opts.timeoutMs;
    while (Date.now() < deadline) {
      if (opts.signal?.aborted === true) throw new WaitError(`stopped while waiting for: ${what}`);
      await this.refresh();
      if (check(this.rows)) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new WaitError(`timed out after ${opts.timeoutMs / 1000} s waiting for: ${what}`);
  }

  private async refresh(): Promise<void> {
    try {
      this.rows = await readStatusRows(this.sources);
      this.draw();
    } catch (err) {
      // A failed read (API server stopping, cloud hiccup) keeps the previous rows.
      if (this.out.isTTY !== true) this.out.write(`(refresh failed: ${String(err)})\n`);
    }
  }

  private draw(): void {
    const table = renderStatusTable(this.rows).trimEnd();
    if (this.out.isTTY === true) {
      const recent = this.narration.slice(-10).join('\n');
      this.out.write(`\x1b[H\x1b[2J${recent}\n\n${table}\n`);
      return;
    }
    if (table === this.lastPrinted) return;
    this.lastPrinted = table;
    this.out.write(`--- ${new Date().toISOString().slice(11, 19)}\n${table}\n`);
  }
}

/** Options of `LiveView.waitFor`. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}
