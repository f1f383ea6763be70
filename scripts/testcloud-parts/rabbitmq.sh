# shellcheck shell=bash
# testcloud RabbitMQ part: epmd (in the foreground, so its pid is ours) and one
# rabbit@localhost node on 127.0.0.1:RABBIT_PORT with the user `openstack`.

rabbit_env_vars() {
  RABBIT_ENV=(HOME="${TC_DIR}/rabbitmq" RABBITMQ_NODENAME=rabbit@localhost
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBIT_PORT"
    RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$EPMD_PORT"
    RABBITMQ_MNESIA_BASE="${TC_DIR}/rabbitmq/mnesia" RABBITMQ_LOG_BASE="${TC_DIR}/log/rabbitmq"
    RABBITMQ_CONFIG_FILE="${TC_DIR}/etc/rabbitmq"
    RABBITMQ_ENABLED_PLUGINS_FILE="${TC_DIR}/etc/rabbitmq-enabled-plugins"
    RABBITMQ_PID_FILE="${TC_DIR}/run/rabbitmq-beam.pid"
    RABBITMQ_CONF_ENV_FILE=/dev/null RUNNING_UNDER_SYSTEMD=true
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}')
}

rabbitmqctl() {
  local RABBIT_ENV
  rabbit_env_vars
  # -start_epmd false: the CLI must never spawn an untracked `epmd -daemon`.
  env "${RABBIT_ENV[@]}" RABBITMQ_CTL_ERL_ARGS='-start_epmd false' ERL_FLAGS='-start_epmd false' \
    /usr/lib/rabbitmq/bin/rabbitmqctl -q "$@"
}

rabbit_port_ok() { (exec 3<>"/dev/tcp/127.0.0.1/${RABBIT_PORT}") 2>/dev/null; }
status_rabbit() { rabbitmqctl await_startup --timeout 5; }
transport_url() { echo "rabbit://openstack:${PW_RABBIT}@127.0.0.1:${RABBIT_PORT}/"; }

# Rewritten on every `up` and read only at start: no restart on change.
write_rabbit_conf() {
  render rabbitmq.conf >"${TC_OUT}/etc/rabbitmq.conf"
  echo '[].' >"${TC_OUT}/etc/rabbitmq-enabled-plugins"
}

# The user lives in mnesia: keep the "done" marker next to it.
rabbit_user() {
  local mark="${TC_DIR}/rabbitmq/mnesia/.testcloud-user"
  [[ -f $mark && "$(<"$mark")" == "$PW_RABBIT" ]] && return 0
  if ! rabbitmqctl list_users | grep -q '^openstack\b'; then
    rabbitmqctl add_user openstack "$PW_RABBIT" >/dev/null
  else
    rabbitmqctl change_password openstack "$PW_RABBIT" >/dev/null
  fi
  rabbitmqctl set_permissions -p / openstack '.*' '.*' '.*' >/dev/null
  (
    umask 077
    echo "$PW_RABBIT" >"$mark"
  )
}

phase_rabbit() {
  mkdir -p "${TC_DIR}/rabbitmq/mnesia" "${TC_DIR}/log/rabbitmq"
  if [[ ! -s "${TC_DIR}/rabbitmq/.erlang.cookie" ]]; then
    (
      umask 077
      head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"${TC_DIR}/rabbitmq/.erlang.cookie"
    )
  fi
  chmod 400 "${TC_DIR}/rabbitmq/.erlang.cookie"
  write_rabbit_conf
  # epmd in the foreground so we own its pid (`epmd -daemon` detaches).
  start_daemon epmd env ERL_EPMD_ADDRESS=127.0.0.1 /usr/bin/epmd -port "$EPMD_PORT"
  local RABBIT_ENV
  rabbit_env_vars
  start_daemon rabbitmq env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server
  if ((TC_STARTED)); then
    wait_until rabbitmq 120 rabbitmqctl await_startup --timeout 5
  else
    wait_until rabbitmq 30 rabbit_port_ok
  fi
  rabbit_user
}
