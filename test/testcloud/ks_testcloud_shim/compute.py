"""Noop compute driver whose interface attach plugs a REAL Neutron port.

Octavia 11's allowed_address_pairs network driver creates the amphora's VRRP
port in Neutron and asks the compute driver to attach it
(`attach_network_or_port`), expecting a nova-style interface back (`net_id`,
`port_id`, `fixed_ips`). The stock noop compute driver returns None there, so
with the real network driver the LB goes to ERROR. This subclass does what
nova does to the port: binds it to the fake server (device_id = compute_id,
device_owner = compute:nova), or creates a port on the network when only a
network is given; `detach_port` and `delete` release/delete those ports.
Test-only: registered as `ks_testcloud_compute_driver` in the
`octavia.compute.drivers` entry point group (see ../ks_testcloud_shim-*.dist-info).
"""

from oslo_config import cfg
from oslo_log import log as logging

from octavia.common import clients
from octavia.common import exceptions
from octavia.compute.drivers.noop_driver import driver as noop

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
DEVICE_OWNER = "compute:nova"
OWNED_TAG = "ks-testcloud-shim"


class NovaStyleInterface:
    """The attributes Octavia reads from a novaclient interface."""

    def __init__(self, port):
        self.id = port["id"]
        self.port_id = port["id"]
        self.net_id = port["network_id"]
        self.fixed_ips = [{"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]}
                          for ip in port.get("fixed_ips", [])]
        self.mac_addr = port.get("mac_address")
        self.port_state = "ACTIVE"


def _neutron():
    return clients.NeutronAuth.get_neutron_client(
        endpoint=CONF.neutron.endpoint,
        region=CONF.neutron.region_name,
        endpoint_type=CONF.neutron.endpoint_type,
        service_name=CONF.neutron.service_name,
        insecure=CONF.neutron.insecure,
        ca_cert=CONF.neutron.ca_certificates_file)


class TestCloudComputeDriver(noop.NoopComputeDriver):
    """Noop compute with nova-like port plugging against the real Neutron."""

    def attach_network_or_port(self, compute_id, network_id=None,
                               ip_address=None, port_id=None):
        super().attach_network_or_port(compute_id, network_id, ip_address, port_id)
        neutron = _neutron()
        try:
            if port_id:
                port = neutron.update_port(port_id, {"port": {
                    "device_id": compute_id, "device_owner": DEVICE_OWNER}})["port"]
            else:
                body = {"network_id": network_id, "device_id": compute_id,
                        "device_owner": DEVICE_OWNER,
                        "description": OWNED_TAG, "admin_state_up": True}
                if ip_address:
                    body["fixed_ips"] = [{"ip_address": ip_address}]
                port = neutron.create_port({"port": body})["port"]
        except Exception as e:
            LOG.exception("testcloud shim: attaching %s/%s to %s failed",
                          network_id, port_id, compute_id)
            raise exceptions.ComputeUnknownException(exc=str(e))
        LOG.info("testcloud shim: plugged port %s into fake server %s",
                 port["id"], compute_id)
        return NovaStyleInterface(port)

    def detach_port(self, compute_id, port_id):
        super().detach_port(compute_id, port_id)
        self._release(_neutron(), port_id)

    def delete(self, compute_id):
        super().delete(compute_id)
        neutron = _neutron()
        for port in neutron.list_ports(device_id=compute_id)["ports"]:
            try:
                neutron.delete_port(port["id"])
                LOG.info("testcloud shim: deleted port %s of fake server %s",
                         port["id"], compute_id)
            except Exception:
                LOG.warning("testcloud shim: could not delete port %s", port["id"])

    @staticmethod
    def _release(neutron, port_id):
        """Like nova: delete ports we created, unbind pre-existing ones."""
        try:
            port = neutron.show_port(port_id)["port"]
            if port.get("description") == OWNED_TAG:
                neutron.delete_port(port_id)
            else:
                neutron.update_port(port_id, {"port": {"device_id": "", "device_owner": ""}})
        except Exception:
            LOG.warning("testcloud shim: could not release port %s", port_id)
