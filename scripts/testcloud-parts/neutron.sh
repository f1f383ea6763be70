# shellcheck shell=bash
# testcloud Neutron part: neutron-server (ML2 flat/vxlan/local, router plugin,
# no agents) on 127.0.0.1:NEUTRON_PORT.

neutron_ok() { curl -fsS -o /dev/null -m 10 "${NEUTRON_URL}"; }

# Sets TC_CONF_CHANGED=1 when neutron.conf changed.
# shellcheck disable=SC2034 # the locals are read by render (templates/*)
write_neutron_conf() {
  local DB_URL TRANSPORT_URL
  DB_URL="$(db_url neutron "$PW_DB_NEUTRON")"
  TRANSPORT_URL="$(transport_url)"
  conf_update "${TC_OUT}/etc/neutron.conf" neutron.conf && TC_CONF_CHANGED=1
  return 0
}

phase_neutron() {
  TC_CONF_CHANGED=0
  write_neutron_conf
  if ((TC_CONF_CHANGED)); then stop_daemon neutron; fi
  mkdir -p "${TC_DIR}/run/neutron-locks"
  local ver
  ver="$(pkg_version neutron-common)"
  if ! marker_ok neutron-db "$ver"; then
    log "neutron-db-manage upgrade heads"
    neutron-db-manage --config-file "${TC_DIR}/etc/neutron.conf" upgrade heads \
      >>"${TC_DIR}/log/neutron-db-manage.log" 2>&1 || die "neutron-db-manage failed (log/neutron-db-manage.log)"
    marker_set neutron-db "$ver"
  fi
  start_daemon neutron /usr/bin/neutron-server --config-file "${TC_DIR}/etc/neutron.conf"
}
