"""Smoke checks of the test cloud's Octavia as user kuryr (cloud `testcloud`).

  /usr/bin/python3 test/testcloud/lb_smoke.py simple          # LB + FIP on VIP port
  /usr/bin/python3 test/testcloud/lb_smoke.py graph [N]       # N fully-populated creates

`graph` POSTs one load balancer with nested listeners (TCP 80, UDP 53) ->
default_pool -> members, waits for the LB's provisioning_status to leave
PENDING_*, then prints the status of every child and deletes it (cascade).
Exit status is non-zero when any object did not reach ACTIVE.
"""

import json
import os
import sys
import time

import openstack

STATE = os.environ.get("KS_TESTCLOUD_DIR", "/var/lib/kuryr-services-testcloud")


def connect():
    os.environ.setdefault("OS_CLIENT_CONFIG_FILE", os.path.join(STATE, "clouds.yaml"))
    return openstack.connect(cloud="testcloud")


def ids():
    with open(os.path.join(STATE, "testcloud.json"), encoding="utf-8") as fh:
        return json.load(fh)


def lb_api(conn, method, path, body=None):
    resp = conn.load_balancer.request(
        path, method, json=body, raise_exc=False,
        headers={"Accept": "application/json"})
    if resp.status_code >= 400:
        raise RuntimeError(f"{method} {path}: {resp.status_code} {resp.text}")
    return resp.json() if resp.content else None


def wait_lb(conn, lb_id, timeout=180):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        lb = lb_api(conn, "GET", f"/lbaas/loadbalancers/{lb_id}")["loadbalancer"]
        if not lb["provisioning_status"].startswith("PENDING_"):
            return lb, time.monotonic() - start
        time.sleep(0.25)
    raise RuntimeError(f"load balancer {lb_id} still pending after {timeout}s")


def wait_gone(conn, lb_id, timeout=180):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        resp = conn.load_balancer.request(f"/lbaas/loadbalancers/{lb_id}", "GET",
                                          raise_exc=False)
        if resp.status_code == 404:
            return
        time.sleep(0.25)
    raise RuntimeError(f"load balancer {lb_id} not deleted after {timeout}s")


def graph_body(t, name):
    def listener(proto, port, member_port):
        return {
            "name": f"{name}-{proto.lower()}-{port}", "protocol": proto, "protocol_port": port,
            "default_pool": {
                "name": f"{name}-{proto.lower()}-{port}-pool", "protocol": proto,
                "lb_algorithm": "ROUND_ROBIN",
                "members": [{"address": f"10.1.0.{i}", "protocol_port": member_port,
                             "subnet_id": t["pod_subnet_id"]} for i in (10, 11)],
            },
        }
    return {"loadbalancer": {
        "name": name, "vip_subnet_id": t["service_subnet_id"],
        "listeners": [listener("TCP", 80, 8080), listener("UDP", 53, 5353)],
    }}


def statuses(conn, lb_id):
    tree = lb_api(conn, "GET", f"/lbaas/loadbalancers/{lb_id}/status")["statuses"]
    out = [("loadbalancer", tree["loadbalancer"]["provisioning_status"])]
    for lis in tree["loadbalancer"].get("listeners", []):
        out.append((f"listener {lis['name']}", lis["provisioning_status"]))
        for pool in lis.get("pools", []):
            out.append((f"pool {pool['name']}", pool["provisioning_status"]))
            for mem in pool.get("members", []):
                out.append((f"member {mem['address']}", mem["provisioning_status"]))
    return out


def run_graph(conn, t, i):
    start = time.monotonic()
    lb = lb_api(conn, "POST", "/lbaas/loadbalancers", graph_body(t, f"graph-{i}"))
    lb_id = lb["loadbalancer"]["id"]
    _, waited = wait_lb(conn, lb_id)
    rows = statuses(conn, lb_id)
    ok = len(rows) == 9 and all(s == "ACTIVE" for _, s in rows)
    print(f"try {i}: {'OK' if ok else 'FAIL'} ({time.monotonic() - start:.1f}s, "
          f"lb settled after {waited:.1f}s)")
    if not ok:
        for what, status in rows:
            print(f"    {what}: {status}")
    lb_api(conn, "DELETE", f"/lbaas/loadbalancers/{lb_id}?cascade=true")
    wait_gone(conn, lb_id)
    return ok


def run_simple(conn, t):
    start = time.monotonic()
    lb = lb_api(conn, "POST", "/lbaas/loadbalancers", {"loadbalancer": {
        "name": "smoke-simple", "vip_subnet_id": t["service_subnet_id"],
        "vip_address": "10.2.0.50"}})["loadbalancer"]
    lb, _ = wait_lb(conn, lb["id"])
    print(f"simple LB {lb['provisioning_status']} after {time.monotonic() - start:.1f}s")
    port = conn.network.get_port(lb["vip_port_id"])
    fip = conn.network.create_ip(floating_network_id=t["public_net_id"], port_id=port.id)
    fip = conn.network.get_ip(fip.id)
    print(f"VIP port {port.id} exists; FIP {fip.floating_ip_address} -> "
          f"{fip.fixed_ip_address} (port {fip.port_id})")
    assert fip.port_id == port.id and fip.fixed_ip_address == "10.2.0.50"
    lb_api(conn, "DELETE", f"/lbaas/loadbalancers/{lb['id']}?cascade=true")
    wait_gone(conn, lb["id"])
    fip = conn.network.get_ip(fip.id)
    print(f"after LB delete: FIP port_id={fip.port_id}; VIP port gone="
          f"{conn.network.find_port(port.id) is None}")
    conn.network.delete_ip(fip.id)
    return lb["provisioning_status"] == "ACTIVE" and fip.port_id is None


def main(argv):
    conn, t = connect(), ids()
    if argv[1:2] == ["simple"]:
        return 0 if run_simple(conn, t) else 1
    tries = int(argv[2]) if len(argv) > 2 else 1
    results = [run_graph(conn, t, i) for i in range(1, tries + 1)]
    print(f"fully-populated creates: {sum(results)}/{tries} all-ACTIVE")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
