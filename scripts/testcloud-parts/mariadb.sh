# shellcheck shell=bash
# testcloud MariaDB part: one mariadbd on 127.0.0.1:DB_PORT with the
# keystone, neutron, octavia and octavia_persistence databases.

db_sock_dir() { echo "${TC_DIR}/run/mysqld"; }
mysql_root() { mariadb --no-defaults -S "$(db_sock_dir)/mysqld.sock" -uroot "$@"; }
status_mysql() { mysql_root -e 'SELECT 1'; }

# db_url USER PASSWORD [DATABASE (default USER)]
db_url() { echo "mysql+pymysql://$1:$2@127.0.0.1:${DB_PORT}/${3:-$1}?charset=utf8mb4"; }

db_init_datadir() {
  local datadir="$1"
  [[ -d "${datadir}/mysql" ]] && return 0
  log "initialising MariaDB data dir"
  rm -rf "$datadir"
  mkdir -p "$datadir"
  chown mysql:mysql "$datadir"
  mariadb-install-db --no-defaults --user=mysql --datadir="$datadir" \
    --auth-root-authentication-method=socket --skip-test-db \
    >>"${TC_DIR}/log/mysql-install.log" 2>&1 || die "mariadb-install-db failed (log/mysql-install.log)"
}

db_grant_services() {
  local db pw
  for db in keystone neutron octavia; do
    case $db in keystone) pw=$PW_DB_KEYSTONE ;; neutron) pw=$PW_DB_NEUTRON ;; octavia) pw=$PW_DB_OCTAVIA ;; esac
    mysql_root -e "CREATE DATABASE IF NOT EXISTS ${db};
      CREATE USER IF NOT EXISTS '${db}'@'127.0.0.1' IDENTIFIED BY '${pw}';
      ALTER USER '${db}'@'127.0.0.1' IDENTIFIED BY '${pw}';
      GRANT ALL PRIVILEGES ON ${db}.* TO '${db}'@'127.0.0.1';"
  done
  # TaskFlow jobboard persistence for the Octavia worker (see ADR 0002).
  mysql_root -e "CREATE DATABASE IF NOT EXISTS octavia_persistence;
    GRANT ALL PRIVILEGES ON octavia_persistence.* TO 'octavia'@'127.0.0.1';"
}

phase_db() {
  local datadir="${TC_DIR}/mysql" sockdir
  sockdir="$(db_sock_dir)"
  mkdir -p "$sockdir"
  chown mysql:mysql "$sockdir"
  db_init_datadir "$datadir"
  start_daemon mysql /usr/sbin/mariadbd --no-defaults --user=mysql \
    --datadir="$datadir" --socket="${sockdir}/mysqld.sock" \
    --pid-file="${sockdir}/mysqld.pid" --bind-address=127.0.0.1 --port="$DB_PORT" \
    --skip-name-resolve --max-connections=1000 --skip-log-bin \
    --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=256M \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
  wait_until mysql 60 mysql_root -e 'SELECT 1'
  db_grant_services
}
