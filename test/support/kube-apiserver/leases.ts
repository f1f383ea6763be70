/**
 * What the real server does with a coordination.k8s.io/v1 Lease on create and update:
 * - `acquireTime`/`renewTime` are MicroTimes: decoded with the RFC3339Micro layout
 *   (`2006-01-02T15:04:05.000000Z07:00`, exactly six fractional digits; anything else is a
 *   400 decoding error) and stored in UTC; `null` means unset;
 * - ValidateLeaseSpec: `leaseDurationSeconds` > 0, `leaseTransitions` >= 0, and
 *   `preferredHolder` only together with `strategy` (422 otherwise).
 */
import { isRecord, type KubeObject } from './object.js';
import type { Admission } from './registry.js';
import type { ResourceDef } from './resources.js';
import { badRequest, invalid } from './status.js';

const MICRO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{3})(\d{3})(Z|[+-]\d{2}:\d{2})$/;
const LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/** The stored (UTC) form of a MicroTime, or undefined when `text` is not one. */
function normalizedMicroTime(text: string): string | undefined {
  const m = MICRO_TIME.exec(text);
  if (m === null) return undefined;
  const [, seconds = '', millis = '', micros = '', zone = ''] = m;
  const at = new Date(`${seconds}.${millis}${zone}`);
  if (Number.isNaN(at.getTime())) return undefined;
  return `${at.toISOString().slice(0, -1)}${micros}Z`;
}

function decodeTimes(def: ResourceDef, spec: Record<string, unknown>): void {
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field];
    if (value === undefined) continue;
    if (value === null) {
      Reflect.deleteProperty(spec, field);
      continue;
    }
    const stored = typeof value === 'string' ? normalizedMicroTime(value) : undefined;
    if (stored === undefined) {
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: parsing time ${JSON.stringify(JSON.stringify(value))} as "${LAYOUT}": cannot parse`,
      );
    }
    spec[field] = stored;
  }
}

function validateSpec(def: ResourceDef, name: string, spec: Record<string, unknown>): void {
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) {
    const detail = `Invalid value: ${duration}: must be greater than 0`;
    throw invalid(def, name, { field: 'spec.leaseDurationSeconds', detail });
  }
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    const detail = `Invalid value: ${transitions}: must be greater than or equal to 0`;
    throw invalid(def, name, { field: 'spec.leaseTransitions', detail });
  }
  const preferred = spec.preferredHolder;
  const strategy = spec.strategy;
  if (
    typeof preferred === 'string' &&
    preferred !== '' &&
    (typeof strategy !== 'string' || strategy === '')
  ) {
    const detail = 'Forbidden: may only be specified if `strategy` is defined';
    throw invalid(def, name, { field: 'spec.preferredHolder', detail, type: 'FieldValueForbidden' });
  }
}

function admit(def: ResourceDef, obj: KubeObject): void {
  if (!isRecord(obj.spec)) return;
  decodeTimes(def, obj.spec);
  validateSpec(def, obj.metadata.name ?? '', obj.spec);
}

/** Admission for coordination.k8s.io/v1 leases. */
export function leaseAdmission(def: ResourceDef): Admission {
  return {
    create: (obj) => {
      admit(def, obj);
    },
    update: (_current, next) => {
      admit(def, next);
    },
  };
}
