"""Idempotent Keystone setup for the test cloud (run by scripts/testcloud).

Creates (find-or-create by name): the `service` project, service users
`neutron` and `octavia` (admin there), Octavia's RBAC roles, the non-admin
project `k8s` with user `kuryr` (member + load-balancer_member), and the
`network` / `load-balancer` services with public/internal/admin endpoints on
127.0.0.1. Must run with Debian's /usr/bin/python3.
"""

import hashlib
import os

import openstack

REGION = "RegionOne"
OCTAVIA_ROLES = (
    "load-balancer_observer",
    "load-balancer_global_observer",
    "load-balancer_member",
    "load-balancer_admin",
    "load-balancer_quota_admin",
)


def find_or_create(existing, create, name, **attrs):
    """existing: name -> resource, listed once (one API call per kind)."""
    found = existing.get(name)
    return found if found is not None else create(name=name, **attrs)


def _password_marker(user_id, password):
    digest = hashlib.sha256(f"{user_id}:{password}".encode()).hexdigest()
    return os.path.join(os.environ["TC_DIR"], "markers", f"user-{digest}")


def ensure_user(conn, users, name, password, project):
    """Find or create the user; set its password only when it changed.

    Setting a password revokes the user's tokens, so a warm `up` must not do
    it while tests hold tokens: a marker records the password last set.
    """
    user = users.get(name)
    if user is None:
        user = conn.identity.create_user(
            name=name, password=password, domain_id="default",
            default_project_id=project.id)
    elif not os.path.exists(_password_marker(user.id, password)):
        user = conn.identity.update_user(user, password=password)
    with open(_password_marker(user.id, password), "w", encoding="utf-8"):
        pass
    return user


def ensure_role(conn, project, user, role):
    if not conn.identity.validate_user_has_project_role(project, user, role):
        conn.identity.assign_project_role_to_user(project, user, role)


def ensure_service(conn, name, stype, url):
    service = next(iter(conn.identity.services(type=stype)), None)
    if service is None:
        service = conn.identity.create_service(name=name, type=stype, enabled=True)
    existing = {e.interface: e for e in conn.identity.endpoints(service_id=service.id)}
    for iface in ("public", "internal", "admin"):
        ep = existing.get(iface)
        if ep is None:
            conn.identity.create_endpoint(
                service_id=service.id, interface=iface, url=url, region_id=REGION)
        elif ep.url != url:
            conn.identity.update_endpoint(ep, url=url)


def ensure_identity(conn):
    """Ensure all Keystone objects; returns the projects by name."""
    ident = conn.identity
    projects = {p.name: p for p in ident.projects(domain_id="default")}
    users = {u.name: u for u in ident.users(domain_id="default")}
    existing_roles = {r.name: r for r in ident.roles()}
    mk_project = ident.create_project
    service = find_or_create(projects, mk_project, "service",
                             domain_id="default", description="service users")
    k8s = find_or_create(projects, mk_project, "k8s",
                         domain_id="default", description="kuryr-services tests")
    roles = {r: find_or_create(existing_roles, ident.create_role, r)
             for r in ("admin", "member", "reader", *OCTAVIA_ROLES)}
    for name, env in (("neutron", "PW_NEUTRON"), ("octavia", "PW_OCTAVIA")):
        user = ensure_user(conn, users, name, os.environ[env], service)
        ensure_role(conn, service, user, roles["admin"])
    kuryr = ensure_user(conn, users, "kuryr", os.environ["PW_KURYR"], k8s)
    ensure_role(conn, k8s, kuryr, roles["member"])
    ensure_role(conn, k8s, kuryr, roles["load-balancer_member"])
    ensure_role(conn, projects["admin"], users["admin"], roles["load-balancer_admin"])
    ensure_service(conn, "neutron", "network", os.environ["NEUTRON_URL"].rstrip("/"))
    ensure_service(conn, "octavia", "load-balancer", os.environ["OCTAVIA_URL"].rstrip("/"))
    return {"admin": projects["admin"], "service": service, "k8s": k8s}


def main():
    ensure_identity(openstack.connect(cloud="testcloud-admin"))


if __name__ == "__main__":
    main()
