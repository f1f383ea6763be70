/** The structured logger the kube edge writes to: the engine's seam (pino satisfies it). */
export type { EngineLogger as Logger } from '../engine/observability.js';
