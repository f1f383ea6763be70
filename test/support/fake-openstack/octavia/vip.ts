/**
 * The VIP of a new load balancer, as Octavia's allowed-address-pairs driver makes it: the
 * subnet (or network, or an existing port) is checked first (400), then a Neutron port
 * `octavia-lb-<id>` (device `lb-<id>`, owner `Octavia`, admin down) is created on it; a
 * Neutron refusal (address taken, outside the subnet) comes back as Octavia's 500
 * `Provider 'amphora' reports error: …`.
 */
import { FakeApiError, octaviaFault, octaviaValidation } from '../errors.js';
import { insertPort } from '../neutron/ports.js';
import type { PortRow } from '../neutron/rows.js';
import { get } from './body.js';
import type { OctaviaCtx } from './context.js';

/** Where the VIP lives once validated. */
export interface VipPlan {
  readonly subnetId: string;
  readonly networkId: string;
  readonly address?: string;
  /** A user-supplied port (not deleted with the load balancer). */
  readonly port?: PortRow;
}

function subnetOf(ctx: OctaviaCtx, subnetId: string) {
  const subnet = ctx.state.neutron.subnets.get(subnetId);
  if (subnet === undefined) throw octaviaFault(400, `Subnet ${subnetId} not found.`);
  return subnet;
}

function fromPort(ctx: OctaviaCtx, portId: string): VipPlan {
  const port = ctx.state.neutron.ports.get(portId);
  if (port === undefined) throw octaviaFault(400, `Port ${portId} not found.`);
  if (port.deviceId !== '')
    throw octaviaValidation(`Port ${portId} already in use by device ${port.deviceId}.`);
  const fixed = port.fixedIps[0];
  if (fixed === undefined)
    throw octaviaValidation(
      "VIP port's subnet could not be determined. Please specify either a VIP subnet or address.",
    );
  return { subnetId: fixed.subnetId, networkId: port.networkId, address: fixed.ipAddress, port };
}

/** Validates the VIP attributes of a create body. Throws Octavia's 400s. */
export function planVip(ctx: OctaviaCtx, body: Record<string, unknown>): VipPlan {
  const portId = get.str(body, 'vip_port_id');
  if (portId !== undefined) return fromPort(ctx, portId);
  const address = get.str(body, 'vip_address');
  const subnetId = get.str(body, 'vip_subnet_id');
  if (subnetId !== undefined) {
    const subnet = subnetOf(ctx, subnetId);
    return {
      subnetId: subnet.id,
      networkId: subnet.networkId,
      ...(address === undefined ? {} : { address }),
    };
  }
  const networkId = get.str(body, 'vip_network_id');
  if (networkId === undefined) {
    throw octaviaValidation('VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.');
  }
  const network = ctx.state.neutron.networks.get(networkId);
  if (network === undefined) throw octaviaFault(400, `Network ${networkId} not found.`);
  const first = network.subnetIds[0];
  if (first === undefined) throw octaviaValidation('Supplied network does not contain a subnet.');
  return { subnetId: first, networkId: network.id, ...(address === undefined ? {} : { address }) };
}

function neutronMessage(error: FakeApiError): string {
  const body = error.body as { NeutronError?: { message?: string } } | undefined;
  return body?.NeutronError?.message ?? 'unknown Neutron error';
}

/** Creates the VIP port for load balancer `lbId` (or takes the user's). Throws Octavia's 500. */
export function allocateVip(
  ctx: OctaviaCtx,
  vip: VipPlan,
  lb: { readonly id: string; readonly projectId: string; readonly provider: string },
): PortRow {
  if (vip.port !== undefined) return vip.port;
  try {
    return insertPort(ctx.state.neutron, {
      networkId: vip.networkId,
      projectId: lb.projectId,
      name: `octavia-lb-${lb.id}`,
      adminStateUp: false,
      fixedIps: [
        { subnetId: vip.subnetId, ...(vip.address === undefined ? {} : { ipAddress: vip.address }) },
      ],
      deviceId: `lb-${lb.id}`,
      deviceOwner: 'Octavia',
    });
  } catch (error) {
    if (!(error instanceof FakeApiError)) throw error;
    const requestId = ctx.state.world.ids.requestId();
    throw octaviaFault(
      500,
      `Provider '${lb.provider}' reports error: ${neutronMessage(error)}\nNeutron server returns request_ids: ['${requestId}']`,
    );
  }
}
