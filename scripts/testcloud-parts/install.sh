# shellcheck shell=bash
# testcloud install part: the Debian packages the cloud runs on, and the
# decision which of them to apt-get install (only the missing ones).

TC_PACKAGES=(mariadb-server mariadb-client rabbitmq-server erlang-base
  python3-keystone neutron-common python3-octavia python3-openstackclient
  python3-octaviaclient python3-neutronclient python3-openstacksdk
  python3-pymysql python3-yaml python3-redis redis-server redis-tools uwsgi-plugin-python3 uwsgi-core openssl
  curl util-linux procps)

# While packages install, this policy-rc.d keeps their daemons from starting
# (the cloud runs its own instances on loopback).
TC_POLICY_RC_D=/usr/sbin/policy-rc.d

# missing_packages PKG... : print, one a line, the PKGs dpkg does not report
# as installed. dpkg-query exits 1 when any package is unknown (a bare
# machine): that is an answer, not a failure, so its status must not end the
# script under set -e.
missing_packages() {
  local installed p
  installed="$({ dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true; } |
    awk '$NF == "installed" {print $1}')"
  for p in "$@"; do
    grep -qx -- "$p" <<<"$installed" || echo "$p"
  done
}

is_root() { [[ "$(id -u)" == 0 ]]; }

phase_install() {
  local out missing=()
  out="$(missing_packages "${TC_PACKAGES[@]}")"
  [[ -n $out ]] || return 0
  mapfile -t missing <<<"$out"
  is_root || die "packages missing (${missing[*]}); run as root"
  log "installing: ${missing[*]}"
  local prc="$TC_POLICY_RC_D" had_prc=0
  if [[ -e $prc ]]; then
    had_prc=1
    cp -a "$prc" "${prc}.testcloud-save"
  fi
  printf '#!/bin/sh\nexit 101\n' >"$prc"
  chmod 755 "$prc"
  local rc=0
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
    --no-install-recommends "${missing[@]}"; } || rc=$?
  if ((had_prc)); then mv -f "${prc}.testcloud-save" "$prc"; else rm -f "$prc"; fi
  ((rc == 0)) || die "apt-get install failed (exit ${rc}) for: ${missing[*]}"
}
