# shellcheck shell=bash
# testcloud Keystone part: Keystone 22 under uwsgi on 127.0.0.1:KS_PORT
# (fernet tokens, admin bootstrapped), and the clouds.yaml clients use.

keystone_manage() { keystone-manage --config-file "${TC_DIR}/etc/keystone.conf" "$@"; }

token_ok() {
  curl -fsS -o /dev/null -m 10 -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"${PW_ADMIN}\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"}}}}}" "${KS_URL}/auth/tokens"
}

# Sets TC_CONF_CHANGED=1 when keystone.conf or its uwsgi ini changed.
# shellcheck disable=SC2034 # the locals are read by render (templates/*)
write_keystone_conf() {
  local DB_URL
  DB_URL="$(db_url keystone "$PW_DB_KEYSTONE")"
  conf_update "${TC_OUT}/etc/keystone.conf" keystone.conf && TC_CONF_CHANGED=1
  conf_update "${TC_OUT}/etc/keystone-uwsgi.ini" keystone-uwsgi.ini && TC_CONF_CHANGED=1
  return 0
}

write_clouds_yaml() {
  (
    umask 077
    render clouds.yaml >"${TC_OUT}/clouds.yaml"
  )
  chmod 644 "${TC_OUT}/clouds.yaml"
}

keystone_db_and_keys() {
  local ver="$1" klog="${TC_DIR}/log/keystone-manage.log"
  if ! marker_ok keystone-db "$ver"; then
    log "keystone db_sync"
    keystone_manage db_sync >>"$klog" 2>&1 || die "keystone db_sync failed"
    marker_set keystone-db "$ver"
  fi
  [[ -s "${TC_DIR}/keystone/fernet-keys/0" ]] ||
    keystone_manage fernet_setup --keystone-user root --keystone-group root >>"$klog" 2>&1
  [[ -s "${TC_DIR}/keystone/credential-keys/0" ]] ||
    keystone_manage credential_setup --keystone-user root --keystone-group root >>"$klog" 2>&1
}

keystone_bootstrap() {
  local ver="$1"
  marker_ok keystone-bootstrap "$ver/$PW_ADMIN" && return 0
  log "keystone bootstrap"
  keystone_manage bootstrap --bootstrap-password "$PW_ADMIN" \
    --bootstrap-username admin --bootstrap-project-name admin \
    --bootstrap-admin-url "${KS_URL}/" --bootstrap-internal-url "${KS_URL}/" \
    --bootstrap-public-url "${KS_URL}/" --bootstrap-region-id RegionOne \
    >>"${TC_DIR}/log/keystone-manage.log" 2>&1 || die "keystone bootstrap failed"
  marker_set keystone-bootstrap "$ver/$PW_ADMIN"
}

phase_keystone() {
  TC_CONF_CHANGED=0
  write_keystone_conf
  if ((TC_CONF_CHANGED)); then stop_daemon keystone; fi
  local ver
  ver="$(pkg_version python3-keystone)"
  keystone_db_and_keys "$ver"
  keystone_bootstrap "$ver"
  start_daemon keystone /usr/bin/uwsgi --ini "${TC_DIR}/etc/keystone-uwsgi.ini"
  write_clouds_yaml
}
