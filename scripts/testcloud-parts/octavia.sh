# shellcheck shell=bash
# testcloud Octavia part: Octavia 11 API (uwsgi, 127.0.0.1:OCTAVIA_PORT) and
# worker with noop amphora/image drivers, the real allowed-address-pairs
# network driver, the compute shim of test/testcloud and a redis jobboard.

octavia_ok() { curl -fsS -o /dev/null -m 10 "${OCTAVIA_URL}"; }

# The worker is healthy when it consumes from its RPC topic.
octavia_worker_ok() {
  rabbitmqctl list_queues name consumers 2>/dev/null | awk '$1=="octavia_provisioning_v2" && $2>0 {f=1} END {exit !f}'
}

make_certs() {
  local c="${TC_DIR}/certs"
  [[ -s "${c}/client.pem" && -s "${c}/ca.pem" ]] && return 0
  log "generating Octavia CA and client certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=testcloud-octavia-ca' \
    -keyout "${c}/ca.key" -out "${c}/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj '/CN=testcloud-octavia-controller' \
    -keyout "${c}/client.key" -out "${c}/client.csr" 2>/dev/null
  openssl x509 -req -in "${c}/client.csr" -CA "${c}/ca.pem" -CAkey "${c}/ca.key" \
    -CAcreateserial -days 3650 -out "${c}/client.crt" 2>/dev/null
  cat "${c}/client.crt" "${c}/client.key" >"${c}/client.pem"
}

# Sets TC_CONF_CHANGED=1 when octavia.conf or its uwsgi ini changed.
# shellcheck disable=SC2034 # the locals are read by render (templates/*)
write_octavia_conf() {
  local CERTS="${TC_DIR}/certs" DB_URL PERSISTENCE_URL TRANSPORT_URL
  DB_URL="$(db_url octavia "$PW_DB_OCTAVIA")"
  PERSISTENCE_URL="$(db_url octavia "$PW_DB_OCTAVIA" octavia_persistence)"
  TRANSPORT_URL="$(transport_url)"
  conf_update "${TC_OUT}/etc/octavia.conf" octavia.conf && TC_CONF_CHANGED=1
  conf_update "${TC_OUT}/etc/octavia-uwsgi.ini" octavia-uwsgi.ini && TC_CONF_CHANGED=1
  return 0
}

octavia_db() {
  local ver="$1"
  if ! marker_ok octavia-db "$ver"; then
    log "octavia-db-manage upgrade head"
    octavia-db-manage --config-file "${TC_DIR}/etc/octavia.conf" upgrade head \
      >>"${TC_DIR}/log/octavia-db-manage.log" 2>&1 || die "octavia-db-manage failed (log/octavia-db-manage.log)"
    marker_set octavia-db "$ver"
  fi
  if ! marker_ok octavia-persistence "$ver/longtext"; then
    log "taskflow persistence schema"
    TC_PERSISTENCE_URL="$(db_url octavia "$PW_DB_OCTAVIA" octavia_persistence)" \
      "$TC_PY" "${TC_SHIM_DIR}/taskflow_schema.py" \
      >>"${TC_DIR}/log/octavia-db-manage.log" 2>&1 || die "taskflow persistence schema failed"
    marker_set octavia-persistence "$ver/longtext"
  fi
}

phase_octavia() {
  make_certs
  TC_CONF_CHANGED=0
  write_octavia_conf
  if ((TC_CONF_CHANGED)); then
    stop_daemon octavia-api
    stop_daemon octavia-worker
  fi
  mkdir -p "${TC_DIR}/run/octavia-locks"
  local ver
  ver="$(pkg_version python3-octavia)"
  octavia_db "$ver"
  start_daemon octavia-worker env PYTHONPATH="${TC_SHIM_DIR}" /usr/bin/octavia-worker \
    --config-file "${TC_DIR}/etc/octavia.conf"
  start_daemon octavia-api /usr/bin/uwsgi --ini "${TC_DIR}/etc/octavia-uwsgi.ini"
}
