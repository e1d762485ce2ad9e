#!/usr/bin/env bash
# Builds the provider's release artifacts in dist/: what a Terraform registry
# serves, and a directory a `filesystem_mirror` can install from.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/release.sh [VERSION]

Builds the release binary (cargo build --release) for this machine's platform
and lays out, in $DIST_DIR (default: dist/):

  terraform-provider-cftenant_<VERSION>_<os>_<arch>.zip
      the binary, named terraform-provider-cftenant_v<VERSION>
  terraform-provider-cftenant_<VERSION>_SHA256SUMS
      sha256 of the zip and the manifest, as a registry publishes them
  terraform-provider-cftenant_<VERSION>_SHA256SUMS.sig
      a detached GPG signature of the SHA256SUMS, as the public registry
      requires (when GPG_FINGERPRINT is set)
  terraform-provider-cftenant_<VERSION>_manifest.json
      {"version":1,"metadata":{"protocol_versions":["6.0"]}}
  mirror/registry.terraform.io/cftenant/cftenant/terraform-provider-cftenant_<VERSION>_<os>_<arch>.zip
      a filesystem_mirror in the packed layout; install from it with
        provider_installation {
          filesystem_mirror {
            path    = "<DIST_DIR>/mirror"
            include = ["registry.terraform.io/cftenant/cftenant"]
          }
        }

VERSION defaults to the version in Cargo.toml.

Environment:
  DIST_DIR                   where to write (default: dist/ in the repository);
                             the artifacts of VERSION in it are replaced.
  GPG_FINGERPRINT            sign the SHA256SUMS with this key of the gpg
                             keyring ($GNUPGHOME, or ~/.gnupg). Without it the
                             release is unsigned, and the script says so.
  GPG_PASSPHRASE             the key's passphrase, if it has one.
  CFTENANT_PROVIDER_BINARY   package this binary instead of building one. The
                             tests use it to package the debug binary cargo
                             has already built, which keeps them fast; a
                             real release leaves it unset.
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  -*) usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

cd "$(dirname "$0")/.."
repo=$(pwd)

# The first `version` in Cargo.toml is the package's own.
version=${1:-$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)}
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "error: version '$version' is not a semantic version (like 1.2.3 or 1.2.3-rc.1)" >&2
  exit 2
fi

# Terraform's platform names for the machine cargo builds for.
os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  i386 | i686) arch=386 ;;
  armv7l | armv6l) arch=arm ;;
  *) echo "error: unknown machine $(uname -m)" >&2; exit 1 ;;
esac

name=terraform-provider-cftenant
if [ -n "${GPG_FINGERPRINT:-}" ] && ! command -v gpg >/dev/null 2>&1; then
  echo "error: GPG_FINGERPRINT is set but gpg is not installed (Debian: apt-get install gnupg)" >&2
  exit 1
fi
if [ -n "${CFTENANT_PROVIDER_BINARY:-}" ]; then
  binary=$CFTENANT_PROVIDER_BINARY
  [ -x "$binary" ] || { echo "error: CFTENANT_PROVIDER_BINARY=$binary is not an executable file" >&2; exit 1; }
  echo "==> packaging $binary"
else
  echo "==> cargo build --release --bin $name"
  cargo build --release --bin "$name"
  binary=$repo/target/release/$name
fi

dist=${DIST_DIR:-$repo/dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
zip_name=${name}_${version}_${os}_${arch}.zip
sums_name=${name}_${version}_SHA256SUMS
manifest_name=${name}_${version}_manifest.json
mirror_dir=$dist/mirror/registry.terraform.io/cftenant/cftenant

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Terraform runs the file named terraform-provider-<type>_v<version> it finds
# in the zip.
cp "$binary" "$stage/${name}_v${version}"
chmod 0755 "$stage/${name}_v${version}"

rm -f "$dist/$zip_name" "$dist/$sums_name" "$dist/$sums_name.sig" "$dist/$manifest_name"
if command -v zip >/dev/null 2>&1; then
  # -X: no extra attributes beyond the Unix mode, which must stay executable.
  (cd "$stage" && zip -q -X "$dist/$zip_name" "${name}_v${version}")
else
  python3 - "$stage/${name}_v${version}" "$dist/$zip_name" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as z:
    # ZipFile.write records the file's Unix mode (executable) in the entry.
    z.write(src, arcname=os.path.basename(src))
PY
fi

printf '{"version":1,"metadata":{"protocol_versions":["6.0"]}}\n' >"$dist/$manifest_name"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}
# The format of a registry's SHA256SUMS: "<hex>  <file>", sorted by name.
(
  cd "$dist"
  for f in "$zip_name" "$manifest_name"; do
    printf '%s  %s\n' "$(sha256 "$f")" "$f"
  done | sort -k2
) >"$dist/$sums_name"

# The registry verifies a binary (not armored) detached signature of the
# SHA256SUMS against the public key published with the provider.
signed=""
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  sign=(gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign
    --output "$dist/$sums_name.sig")
  if [ -n "${GPG_PASSPHRASE:-}" ]; then
    printf '%s' "$GPG_PASSPHRASE" |
      "${sign[@]}" --pinentry-mode loopback --passphrase-fd 0 "$dist/$sums_name"
  else
    "${sign[@]}" "$dist/$sums_name"
  fi
  signed="    $sums_name.sig"
fi

mkdir -p "$mirror_dir"
cp "$dist/$zip_name" "$mirror_dir/$zip_name"

echo "==> $dist"
echo "    $zip_name"
echo "    $sums_name"
if [ -n "$signed" ]; then
  echo "$signed"
else
  echo "    (unsigned: set GPG_FINGERPRINT to sign the SHA256SUMS, as the public registry requires)"
fi
echo "    $manifest_name"
echo "    mirror/registry.terraform.io/cftenant/cftenant/$zip_name"
