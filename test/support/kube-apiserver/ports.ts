/**
 * Service port defaulting/validation and node port assignment: `protocol` defaults to TCP,
 * `targetPort` to `port`; NodePort/LoadBalancer services get a node port per port (kept
 * across updates for the same port/protocol, explicit ones validated), ClusterIP services
 * may not carry one; node ports no longer used are released. All-or-nothing on failure.
 */
import { AllocationError, type RangeAllocator } from './clusterip.js';
import { isRecord, type JsonMap } from './object.js';
import type { ResourceDef } from './resources.js';
import { invalid } from './status.js';

/** The port entries of a Service spec (non-objects skipped). */
export function servicePorts(spec: JsonMap): JsonMap[] {
  return Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
}

/** What assignPorts works on. */
export interface PortAssignment {
  readonly spec: JsonMap;
  readonly name: string;
  readonly previous: readonly JsonMap[];
  readonly allocator: RangeAllocator;
}

function validatePort(def: ResourceDef, a: PortAssignment, port: JsonMap, index: number): void {
  const value = port.port;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    const detail = `Invalid value: ${JSON.stringify(value)}: must be between 1 and 65535, inclusive`;
    throw invalid(def, a.name, { field: `spec.ports[${index}].port`, detail });
  }
  port.protocol ??= 'TCP';
  port.targetPort ??= value;
  if (servicePorts(a.spec).length > 1 && (typeof port.name !== 'string' || port.name === '')) {
    throw invalid(def, a.name, {
      field: `spec.ports[${index}].name`,
      detail: 'Required value',
      type: 'FieldValueRequired',
    });
  }
}

function wantsNodePorts(spec: JsonMap): boolean {
  return (
    spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false)
  );
}

function previousNodePort(a: PortAssignment, port: JsonMap): number | undefined {
  const match = a.previous.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol);
  return typeof match?.nodePort === 'number' ? match.nodePort : undefined;
}

function assignNodePort(
  def: ResourceDef,
  a: PortAssignment,
  port: JsonMap,
  index: number,
): number | undefined {
  const held = new Set(a.previous.map((p) => p.nodePort));
  if (typeof port.nodePort === 'number') {
    if (held.has(port.nodePort)) return undefined;
    try {
      a.allocator.allocate(port.nodePort);
      return port.nodePort;
    } catch (error) {
      if (!(error instanceof AllocationError)) throw error;
      const detail = `Invalid value: ${port.nodePort}: ${error.message}`;
      throw invalid(def, a.name, { field: `spec.ports[${index}].nodePort`, detail });
    }
  }
  const reused = previousNodePort(a, port);
  if (reused !== undefined) {
    port.nodePort = reused;
    return undefined;
  }
  try {
    const value = a.allocator.allocateNext();
    port.nodePort = value;
    return value;
  } catch {
    const detail = `Invalid value: 0: range is full`;
    throw invalid(def, a.name, { field: `spec.ports[${index}].nodePort`, detail });
  }
}

/** Defaults and validates `a.spec.ports`, assigning node ports; throws 422 (releasing what it took). */
export function assignPorts(def: ResourceDef, a: PortAssignment): void {
  const ports = servicePorts(a.spec);
  const headless = a.spec.clusterIP === 'None' || a.spec.type === 'ExternalName';
  if (ports.length === 0 && !headless) {
    throw invalid(def, a.name, { field: 'spec.ports', detail: 'Required value', type: 'FieldValueRequired' });
  }
  const fresh: number[] = [];
  try {
    ports.forEach((port, index) => {
      validatePort(def, a, port, index);
      if (wantsNodePorts(a.spec)) {
        const taken = assignNodePort(def, a, port, index);
        if (taken !== undefined) fresh.push(taken);
      } else if (port.nodePort !== undefined && port.nodePort !== 0 && a.spec.type === 'ClusterIP') {
        const detail = "Forbidden: may not be used when `type` is 'ClusterIP'";
        throw invalid(def, a.name, {
          field: `spec.ports[${index}].nodePort`,
          detail,
          type: 'FieldValueForbidden',
        });
      }
    });
  } catch (error) {
    for (const value of fresh) a.allocator.release(value);
    throw error;
  }
  const kept = new Set(ports.map((p) => p.nodePort));
  for (const p of a.previous) {
    if (typeof p.nodePort === 'number' && !kept.has(p.nodePort)) a.allocator.release(p.nodePort);
  }
}
