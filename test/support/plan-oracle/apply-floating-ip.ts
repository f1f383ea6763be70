/** `apply` for the Neutron floating IP actions (pure). */
import type { Action, PortRef } from '../../../src/core/plan/actions.js';
import type { Observed, ObservedFloatingIp } from '../../../src/core/model.js';
import { allIds, ApplyError, mapFips, uniqueId, type State } from './apply-state.js';

export function resolvePort(state: State, port: PortRef, operation: string): string {
  if (port.kind === 'port') return port.portId;
  if (state.createdId === null) throw new ApplyError(`${operation}: no load balancer was created before`);
  return `port-${state.createdId}`;
}

export function setFipPort(
  state: State,
  floatingIpId: string,
  portId: string | null,
  operation: string,
): State {
  const known = allFloatingIps(state.observed).some((fip) => fip.id === floatingIpId);
  if (!known) throw new ApplyError(`${operation}: floating IP ${floatingIpId} not found`);
  return {
    ...state,
    observed: mapFips(state.observed, (f) => (f.id === floatingIpId ? { ...f, portId } : f)),
  };
}

function allFloatingIps(observed: Observed): ObservedFloatingIp[] {
  return observed.userFloatingIp
    ? [...observed.floatingIps, observed.userFloatingIp]
    : [...observed.floatingIps];
}

export function createFloatingIp(state: State, action: Extract<Action, { kind: 'createFloatingIp' }>): State {
  const taken = allIds(state.observed);
  const fip: ObservedFloatingIp = {
    id: uniqueId(`fip-${action.networkId}`, taken),
    address: `198.51.100.${(taken.size % 250) + 1}`,
    networkId: action.networkId,
    portId: resolvePort(state, action.port, action.kind),
    tags: action.tags,
    description: action.description,
  };
  return { ...state, observed: { ...state.observed, floatingIps: [...state.observed.floatingIps, fip] } };
}

export function deleteFloatingIp(state: State, floatingIpId: string): State {
  setFipPort(state, floatingIpId, null, 'deleteFloatingIp');
  const user = state.observed.userFloatingIp;
  const observed: Observed = {
    ...state.observed,
    floatingIps: state.observed.floatingIps.filter((fip) => fip.id !== floatingIpId),
    ...(user === undefined ? {} : { userFloatingIp: user?.id === floatingIpId ? null : user }),
  };
  return { ...state, observed };
}

/** Writes the tags of an adopted floating IP (its `tagsMissing` flag goes away). */
export function tagFloatingIp(state: State, floatingIpId: string, tags: readonly string[]): State {
  return {
    ...state,
    observed: mapFips(state.observed, (f) =>
      f.id === floatingIpId
        ? {
            id: f.id,
            address: f.address,
            networkId: f.networkId,
            portId: f.portId,
            tags,
            description: f.description,
          }
        : f,
    ),
  };
}

/** Disowns a floating IP: its description is cleared and its tags replaced. */
export function disownFloatingIp(state: State, floatingIpId: string, tags: readonly string[]): State {
  const disowned = (f: ObservedFloatingIp): ObservedFloatingIp => ({
    id: f.id,
    address: f.address,
    networkId: f.networkId,
    portId: f.portId,
    tags,
    description: '',
  });
  const user = state.observed.userFloatingIp;
  const observed = mapFips(state.observed, (f) => (f.id === floatingIpId ? disowned(f) : f));
  return {
    ...state,
    observed: {
      ...observed,
      ...(user === undefined || user === null
        ? {}
        : { userFloatingIp: user.id === floatingIpId ? disowned(user) : user }),
    },
  };
}
