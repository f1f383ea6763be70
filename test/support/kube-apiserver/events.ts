/**
 * Event validation the real server applies on create (pkg/apis/core/validation/events.go):
 * - core/v1 events without `eventTime` must agree with `involvedObject.namespace` (an empty
 *   one is only allowed in `default`);
 * - events.k8s.io/v1 events need `eventTime`, `reportingController`, `reportingInstance`,
 *   `action`, `reason`, and a `type` of Normal or Warning.
 */
import { isRecord, type KubeObject } from './object.js';
import type { Admission } from './registry.js';
import type { ResourceDef } from './resources.js';
import { invalid } from './status.js';

/** Admission for core/v1 events. */
export function coreEventAdmission(def: ResourceDef): Admission {
  return {
    create(obj: KubeObject) {
      if (obj.eventTime !== undefined && obj.eventTime !== null) return;
      const involved = isRecord(obj.involvedObject) ? obj.involvedObject : {};
      const ns = typeof involved.namespace === 'string' ? involved.namespace : '';
      const own = obj.metadata.namespace ?? '';
      const ok = ns === '' ? own === '' || own === 'default' : ns === own;
      if (!ok) {
        const detail = `Invalid value: ${JSON.stringify(ns)}: does not match event.namespace`;
        throw invalid(def, obj.metadata.name ?? '', { field: 'involvedObject.namespace', detail });
      }
    },
  };
}

const REQUIRED = ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason'];

/** Admission for events.k8s.io/v1 events. */
export function eventsV1Admission(def: ResourceDef): Admission {
  return {
    create(obj: KubeObject) {
      const name = obj.metadata.name ?? '';
      for (const field of REQUIRED) {
        const value = obj[field];
        if (value === undefined || value === null || value === '') {
          throw invalid(def, name, { field, detail: 'Required value', type: 'FieldValueRequired' });
        }
      }
      if (obj.type !== 'Normal' && obj.type !== 'Warning') {
        const detail = `Unsupported value: ${JSON.stringify(obj.type ?? '')}: supported values: "Normal", "Warning"`;
        throw invalid(def, name, { field: 'type', detail, type: 'FieldValueNotSupported' });
      }
    },
  };
}
