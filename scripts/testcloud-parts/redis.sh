# shellcheck shell=bash
# testcloud redis part: Octavia's TaskFlow jobboard backend. Octavia 11 only
# builds the listener part of a fully-populated create when the jobboard is
# enabled (ADR 0002).

redis_ok() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

# Exit 0 when redis.conf changed. Append-only file: jobs in flight survive
# `down`/`up` and are resumed by the conductor once their claim expires (as
# with a production jobboard).
write_redis_conf() { conf_update "${TC_OUT}/etc/redis.conf" redis.conf; }

phase_redis() {
  mkdir -p "${TC_DIR}/redis"
  if write_redis_conf; then stop_daemon redis; fi
  start_daemon redis /usr/bin/redis-server "${TC_DIR}/etc/redis.conf"
  wait_until redis 30 redis_ok
}
