/**
 * Offline validation of rendered Kubernetes objects, in two parts:
 * - kubernetes-models' validators (compiled from the Kubernetes OpenAPI definitions;
 *   @kubernetes-models/prometheus-operator for monitoring.coreos.com/v1): types, required
 *   fields, enums, formats. They accept unknown fields.
 * - unknown fields, as the API server's strict field validation (`kubectl apply`'s default)
 *   refuses them: every key must be an attribute of the OpenAPI model it sits in, walked with
 *   the attribute tables of @kubernetes/client-node's generated models. For built-in kinds
 *   only: the Prometheus Operator kinds have no such table here.
 */
import * as k8s from '@kubernetes/client-node';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

/** A rendered object: at least apiVersion, kind and metadata.name. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string } & Record<string, unknown>;
  readonly [key: string]: unknown;
}

type Validator = (object: KubeObject) => void;
type Model = new (data: never) => { validate(): void };

function schema(model: Model): Validator {
  return (object) => {
    new model(object as never).validate();
  };
}

/** apiVersion/kind → [kubernetes-models validator, client-node model for the strict walk]. */
const KINDS: Record<string, readonly [Validator, string | null]> = {
  'v1/ServiceAccount': [schema(ServiceAccount), 'V1ServiceAccount'],
  'v1/ConfigMap': [schema(ConfigMap), 'V1ConfigMap'],
  'v1/Secret': [schema(Secret), 'V1Secret'],
  'v1/Service': [schema(Service), 'V1Service'],
  'apps/v1/Deployment': [schema(Deployment), 'V1Deployment'],
  'policy/v1/PodDisruptionBudget': [schema(PodDisruptionBudget), 'V1PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1/ClusterRole': [schema(ClusterRole), 'V1ClusterRole'],
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': [schema(ClusterRoleBinding), 'V1ClusterRoleBinding'],
  'rbac.authorization.k8s.io/v1/Role': [schema(Role), 'V1Role'],
  'rbac.authorization.k8s.io/v1/RoleBinding': [schema(RoleBinding), 'V1RoleBinding'],
  'apiextensions.k8s.io/v1/CustomResourceDefinition': [
    schema(CustomResourceDefinition),
    'V1CustomResourceDefinition',
  ],
  'monitoring.coreos.com/v1/ServiceMonitor': [schema(ServiceMonitor), null],
  'monitoring.coreos.com/v1/PrometheusRule': [schema(PrometheusRule), null],
};

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}

function attributesOf(modelName: string): readonly Attribute[] | null {
  const model = (k8s as unknown as Record<string, unknown>)[modelName];
  if (typeof model !== 'function' || !('getAttributeTypeMap' in model)) return null;
  const table = (model as { getAttributeTypeMap(): unknown }).getAttributeTypeMap();
  return Array.isArray(table) ? (table as Attribute[]) : null;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unknown fields of `value` read as OpenAPI type `type`, as JSON paths. */
function unknownFields(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1] !== undefined) {
    const item = array[1];
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, item, `${path}[${i}]`)) : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) {
    const item = map[1];
    return isMap(value)
      ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, item, `${path}.${k}`))
      : [];
  }
  const attributes = attributesOf(type);
  if (attributes === null || !isMap(value)) return [];
  const byName = new Map(attributes.map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([key, v]) => {
    const inner = byName.get(key);
    return inner === undefined ? [`${path}.${key}`] : unknownFields(v, inner, `${path}.${key}`);
  });
}

/** Thrown when an object does not validate; the message names the object and every problem. */
export class InvalidObjectError extends Error {
  override readonly name = 'InvalidObjectError';
}

/**
 * A Secret's `data` values as the API server reads them: Go's base64 decoder ignores line
 * breaks, and kustomize wraps long values (the OpenAPI `byte` format check here does not).
 */
function asDecoded(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !isMap(object.data)) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]),
  );
  return { ...object, data };
}

/** Validates `object` against its kind's schema and for unknown fields; throws InvalidObjectError. */
export function validateObject(object: KubeObject): void {
  const id = `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const entry = KINDS[`${object.apiVersion}/${object.kind}`];
  if (entry === undefined)
    throw new InvalidObjectError(`${id}: no schema for ${object.apiVersion} ${object.kind}`);
  const [validate, model] = entry;
  try {
    validate(asDecoded(object));
  } catch (cause) {
    throw new InvalidObjectError(`${id}: ${String(cause)}`, { cause });
  }
  const unknown = model === null ? [] : unknownFields(object, model, '');
  if (unknown.length > 0) throw new InvalidObjectError(`${id}: unknown field(s) ${unknown.join(', ')}`);
}
