# shellcheck shell=bash
# testcloud topology part: wait until every OpenStack daemon answers, then
# create the Keystone objects, the Neutron topology and the output files.

tc_python() {
  env OS_CLIENT_CONFIG_FILE="${TC_DIR}/clouds.yaml" TC_DIR="$TC_DIR" \
    PW_NEUTRON="$PW_NEUTRON" PW_OCTAVIA="$PW_OCTAVIA" PW_KURYR="$PW_KURYR" \
    KS_URL="$KS_URL" NEUTRON_URL="$NEUTRON_URL" OCTAVIA_URL="$OCTAVIA_URL" \
    "$TC_PY" "$@"
}

# The OpenStack daemons start in parallel (keystone/neutron/octavia phases
# only prepare and launch them); this phase waits until each one answers.
phase_ready() {
  wait_until keystone 120 token_ok
  wait_until neutron 120 neutron_ok
  wait_until octavia-api 120 octavia_ok
  wait_until octavia-worker 120 octavia_worker_ok
}

# Keystone objects (service users, roles, endpoints, project k8s, user kuryr)
# then the Neutron topology and the output files, in one python process.
# Neutron and Octavia only need their service users on first use, and reach
# each other through explicit endpoints, so this can run last.
phase_topology() {
  tc_python "${TC_SHIM_DIR}/setup_topology.py"
}
