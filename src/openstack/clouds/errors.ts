/** The error of credential/cloud configuration resolution. */

/** What went wrong, and where. */
export interface CloudConfigProblem {
  /** The file path, `environment`, or `arguments`. */
  readonly source: string;
  /** The offending key (e.g. `clouds.prod.auth.password` or `OS_INSECURE`), when there is one. */
  readonly key: string | null;
  readonly problem: string;
  readonly cause?: unknown;
}

/** Cloud configuration is missing or invalid. Terminal: fix the file or environment. */
export class CloudConfigError extends Error {
  override name = 'CloudConfigError';
  readonly source: string;
  readonly key: string | null;

  constructor(p: CloudConfigProblem) {
    const where = p.key === null ? p.source : `${p.source}: ${p.key}`;
    super(
      `OpenStack cloud configuration ${where} ${p.problem}`,
      p.cause === undefined ? undefined : { cause: p.cause },
    );
    this.source = p.source;
    this.key = p.key;
  }
}
