# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings below are read by the other parts and the templates
# testcloud common part: settings (state dir, ports, URLs), logging, daemon
# process control, config rendering and change detection, slow-step markers.
# Sourced by scripts/testcloud; defines functions and settings only.

TC_DIR="${KS_TESTCLOUD_DIR:-/var/lib/kuryr-services-testcloud}"
TC_PY=/usr/bin/python3
TC_SHIM_DIR="${TC_REPO}/test/testcloud"
TC_TEMPLATES="${TC_REPO}/scripts/testcloud-parts/templates"
# Where write_*_conf put the files (the state dir; `render DIR` changes it).
TC_OUT="$TC_DIR"

# Loopback ports; KS_TESTCLOUD_PORT_OFFSET shifts all of them so a second
# cloud (own KS_TESTCLOUD_DIR) can run beside the default one.
PO="${KS_TESTCLOUD_PORT_OFFSET:-0}"
[[ "$PO" =~ ^[0-9]+$ ]] || { echo "KS_TESTCLOUD_PORT_OFFSET must be a number" >&2; exit 2; }
KS_PORT=$((5000 + PO)) NEUTRON_PORT=$((9696 + PO)) OCTAVIA_PORT=$((9876 + PO))
DB_PORT=$((3306 + PO)) RABBIT_PORT=$((5672 + PO)) RABBIT_DIST_PORT=$((25672 + PO))
EPMD_PORT=$((4369 + PO)) REDIS_PORT=$((6379 + PO))
KS_URL="http://127.0.0.1:${KS_PORT}/v3"
NEUTRON_URL="http://127.0.0.1:${NEUTRON_PORT}/"
OCTAVIA_URL="http://127.0.0.1:${OCTAVIA_PORT}/"

# Daemons in start order; `down` stops them in reverse.
TC_DAEMONS=(mysql epmd rabbitmq redis keystone neutron octavia-api octavia-worker)

log() { printf '[testcloud %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- processes

pidfile() { echo "${TC_DIR}/run/$1.pid"; }

# A token that must appear in the daemon's /proc/PID/cmdline, so a stale pid
# file (e.g. after a reboot) never matches an unrelated process.
daemon_marker() {
  case "$1" in
    mysql) echo "${TC_DIR}/mysql" ;;
    epmd) echo "epmd" ;;
    rabbitmq) echo "${TC_DIR}/rabbitmq" ;;
    redis) echo "redis-server" ;;
    keystone) echo "${TC_DIR}/etc/keystone-uwsgi.ini" ;;
    neutron) echo "${TC_DIR}/etc/neutron.conf" ;;
    octavia-api) echo "${TC_DIR}/etc/octavia-uwsgi.ini" ;;
    octavia-worker) echo "${TC_DIR}/etc/octavia.conf" ;;
  esac
}

daemon_pid() {
  local f pid
  f="$(pidfile "$1")"
  [[ -s "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "$(daemon_marker "$1")" || return 1
  echo "$pid"
}

daemon_alive() { daemon_pid "$1" >/dev/null; }

# start_daemon NAME CMD... : start in its own session, log to log/NAME.log.
# Sets TC_STARTED to 1 when it started the daemon, 0 when it was running.
start_daemon() {
  local name="$1"
  shift
  TC_STARTED=0
  if daemon_alive "$name"; then return 0; fi
  TC_STARTED=1
  reap_orphans "$name"
  log "starting ${name}"
  setsid "$@" >>"${TC_DIR}/log/${name}.log" 2>&1 </dev/null 9>&- &
  echo $! >"$(pidfile "$name")"
}

stop_daemon() {
  local name="$1" pid i
  pid="$(daemon_pid "$name")" || {
    rm -f "$(pidfile "$name")"
    return 0
  }
  log "stopping ${name} (pid ${pid})"
  # Each daemon leads its own session/process group (setsid): signal the group.
  kill -TERM -- "-${pid}" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "${name} did not stop in 30s, killing"
    kill -KILL -- "-${pid}" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  # Leftover workers of the group (e.g. uwsgi/neutron children).
  pkill_group "$pid"
  rm -f "$(pidfile "$name")"
}

# The leader died (crash, kill -9) but workers of its process group may still
# hold its port: kill group members that carry this daemon's marker.
reap_orphans() {
  local f pgid p marker
  f="$(pidfile "$1")"
  [[ -s "$f" ]] || return 0
  pgid="$(<"$f")"
  # Workers may rename themselves (setproctitle): match the program name.
  case "$1" in
    mysql) marker=mariadbd ;; rabbitmq) marker=beam ;; keystone | octavia-api) marker=uwsgi ;;
    neutron) marker=neutron-server ;; *) marker="$1" ;;
  esac
  [[ "$pgid" =~ ^[0-9]+$ ]] || return 0
  for p in $(ps -o pid= -g "$pgid" 2>/dev/null); do
    if tr '\0' ' ' <"/proc/${p}/cmdline" 2>/dev/null | grep -qF -- "$marker"; then
      log "killing leftover ${1} process ${p}"
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
}

pkill_group() {
  local pgid="$1" p
  for p in $(ps -o pid= -g "$pgid" 2>/dev/null); do
    kill -KILL "$p" 2>/dev/null || true
  done
}

# wait_until NAME TIMEOUT CHECK... : poll CHECK until it succeeds; fail early
# with the log tail when the daemon dies.
wait_until() {
  local name="$1" timeout="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! daemon_alive "$name"; then
      tail -n 40 "${TC_DIR}/log/${name}.log" >&2 || true
      die "${name} exited during start-up (log: ${TC_DIR}/log/${name}.log)"
    fi
    ((SECONDS < deadline)) || {
      tail -n 40 "${TC_DIR}/log/${name}.log" >&2 || true
      die "${name} not answering after ${timeout}s"
    }
    sleep 0.3
  done
}

# ---------------------------------------------------------------- configs

# render TEMPLATE : print templates/TEMPLATE with every ${NAME} replaced by the
# value of the shell variable NAME (no other expansion: values are inserted
# verbatim, a `$` not followed by {NAME} stays as it is). Dies naming the
# template and the variable when one is unset, so a typo never writes a
# half-empty config. Pure bash: it must work on a bare Debian (no envsubst).
render() {
  local tpl="${TC_TEMPLATES}/$1" text out="" match name
  [[ -r $tpl ]] || die "template ${tpl} not found"
  IFS= read -r -d '' text <"$tpl" || true
  while [[ $text =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
    match="${BASH_REMATCH[0]}" name="${BASH_REMATCH[1]}"
    [[ -v $name ]] || die "template $1 uses \${${name}}, which is not set"
    out+="${text%%"$match"*}${!name}"
    text="${text#*"$match"}"
  done
  printf '%s' "${out}${text}"
}

# conf_update FILE TEMPLATE : render TEMPLATE into FILE; exit 0 when the content
# changed (so the daemons reading it must be restarted), 1 when it was current.
conf_update() {
  local f="$1" tmp
  tmp="$(mktemp "${f}.XXXXXX")" || die "cannot create a temporary file next to ${f}"
  render "$2" >"$tmp" || die "cannot write ${tmp}"
  if [[ -f "$f" ]] && cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$f"
  chmod 640 "$f"
}

# ---------------------------------------------------------------- state

phase_state() {
  mkdir -p "${TC_DIR}"/{run,log,etc,certs,keystone,octavia,markers}
  chmod 755 "${TC_DIR}"
  chmod 700 "${TC_DIR}/certs"
  if [[ ! -s "${TC_DIR}/secrets.env" ]]; then
    local k
    umask 077
    {
      for k in DB_ROOT DB_KEYSTONE DB_NEUTRON DB_OCTAVIA RABBIT ADMIN NEUTRON OCTAVIA KURYR; do
        printf 'PW_%s=%s\n' "$k" "$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')"
      done
    } >"${TC_DIR}/secrets.env"
    umask 022
  fi
  load_secrets
}

# shellcheck disable=SC1091 # generated at run time by phase_state
load_secrets() { source "${TC_DIR}/secrets.env"; }

# Re-run an idempotent but slow step only when its inputs changed.
marker_ok() { [[ -f "${TC_DIR}/markers/$1" && "$(<"${TC_DIR}/markers/$1")" == "$2" ]]; }
marker_set() { echo "$2" >"${TC_DIR}/markers/$1"; }
pkg_version() { dpkg-query -W -f='${Version}' "$1"; }
