#!/usr/bin/env bash
# Builds the provider's release artifacts in dist/: what a Terraform registry
# serves, and a directory a `filesystem_mirror` can install from, for this
# machine's platform or for every platform whose binary it is given.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/release.sh [--version VERSION] [--binary OS_ARCH=PATH]... [VERSION]

Lays out, in $DIST_DIR (default: dist/), the artifacts of one release:

  terraform-provider-cftenant_<VERSION>_<os>_<arch>.zip    (one per platform)
      the binary, named terraform-provider-cftenant_v<VERSION>
      (terraform-provider-cftenant_v<VERSION>.exe for windows)
  terraform-provider-cftenant_<VERSION>_SHA256SUMS
      sha256 of every zip and of the manifest, as a registry publishes them
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
      and record every platform's hashes in a lock file with
        terraform providers lock -fs-mirror=<DIST_DIR>/mirror \
          -platform=linux_amd64 -platform=darwin_arm64 ...

Options:
  --version VERSION      the release's version (also accepted as the only
                         positional argument); defaults to the version in
                         Cargo.toml.
  --binary OS_ARCH=PATH  package the binary at PATH as the provider for the
                         Terraform platform OS_ARCH (e.g. linux_amd64,
                         darwin_arm64, windows_amd64); repeat it for each
                         platform. The binaries are used as they are: build
                         each on (or for) its own platform, as the release
                         workflow (.github/workflows/release.yml) does.
                         Without --binary, the script builds the release
                         binary for this machine (cargo build --release) and
                         packages that one.
  -h, --help             this text.

Environment:
  DIST_DIR                   where to write (default: dist/ in the repository);
                             the artifacts of VERSION in it are replaced.
  GPG_FINGERPRINT            sign the SHA256SUMS with this key of the gpg
                             keyring ($GNUPGHOME, or ~/.gnupg). Without it the
                             release is unsigned, and the script says so.
  GPG_PASSPHRASE             the key's passphrase, if it has one.
  CFTENANT_PROVIDER_BINARY   package this binary, for this machine's platform,
                             instead of building one (not with --binary). The
                             tests use it to package the debug binary cargo
                             has already built, which keeps them fast; a
                             real release leaves it unset.
USAGE
}

die_usage() {
  echo "error: $1" >&2
  echo "Run scripts/release.sh --help for the usage." >&2
  exit 2
}

version=""
binaries=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --version)
      [ $# -ge 2 ] || die_usage "--version needs a value"
      [ -z "$version" ] || die_usage "the version is given twice"
      version=$2; shift 2 ;;
    --version=*)
      [ -z "$version" ] || die_usage "the version is given twice"
      version=${1#--version=}; shift ;;
    --binary)
      [ $# -ge 2 ] || die_usage "--binary needs OS_ARCH=PATH"
      binaries+=("$2"); shift 2 ;;
    --binary=*)
      binaries+=("${1#--binary=}"); shift ;;
    -*) die_usage "unknown option $1" ;;
    *)
      [ -z "$version" ] || die_usage "the version is given twice (or an unexpected argument: $1)"
      version=$1; shift ;;
  esac
done

cd "$(dirname "$0")/.."
repo=$(pwd)

# The first `version` in Cargo.toml is the package's own.
version=${version:-$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)}
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "error: version '$version' is not a semantic version (like 1.2.3 or 1.2.3-rc.1)" >&2
  exit 2
fi

name=terraform-provider-cftenant
if [ -n "${GPG_FINGERPRINT:-}" ] && ! command -v gpg >/dev/null 2>&1; then
  echo "error: GPG_FINGERPRINT is set but gpg is not installed (Debian: apt-get install gnupg)" >&2
  exit 1
fi

# Terraform's platform names for the machine cargo builds for.
host_platform() {
  local os arch
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$os" in
    mingw* | msys* | cygwin*) os=windows ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    i386 | i686) arch=386 ;;
    armv7l | armv6l) arch=arm ;;
    *) echo "error: unknown machine $(uname -m)" >&2; exit 1 ;;
  esac
  echo "${os}_${arch}"
}

# platforms[i] is packaged from paths[i].
platforms=()
paths=()
if [ ${#binaries[@]} -gt 0 ]; then
  if [ -n "${CFTENANT_PROVIDER_BINARY:-}" ]; then
    die_usage "CFTENANT_PROVIDER_BINARY and --binary are both given: name every platform's binary with --binary"
  fi
  for spec in "${binaries[@]}"; do
    platform=${spec%%=*}
    path=${spec#*=}
    if [ "$platform" = "$spec" ] || [ -z "$path" ]; then
      die_usage "--binary $spec is not OS_ARCH=PATH (e.g. --binary darwin_arm64=target/release/$name)"
    fi
    # The platforms Terraform itself is released for.
    if ! [[ "$platform" =~ ^(linux|darwin|windows|freebsd|openbsd|solaris)_(amd64|arm64|386|arm)$ ]]; then
      die_usage "--binary $spec: '$platform' is not a Terraform platform (<os>_<arch>: os linux, darwin, windows, freebsd, openbsd or solaris; arch amd64, arm64, 386 or arm)"
    fi
    for seen in ${platforms[@]+"${platforms[@]}"}; do
      [ "$seen" != "$platform" ] || die_usage "--binary names $platform twice"
    done
    # A binary handed over between jobs (an artifact) may have lost its
    # executable bit: the zip gets it back. It must be a non-empty file.
    if [ ! -f "$path" ] || [ ! -s "$path" ]; then
      echo "error: --binary $spec: $path is not a non-empty file" >&2
      exit 1
    fi
    platforms+=("$platform")
    paths+=("$path")
  done
elif [ -n "${CFTENANT_PROVIDER_BINARY:-}" ]; then
  binary=$CFTENANT_PROVIDER_BINARY
  [ -x "$binary" ] || { echo "error: CFTENANT_PROVIDER_BINARY=$binary is not an executable file" >&2; exit 1; }
  host=$(host_platform)
  platforms+=("$host")
  paths+=("$binary")
else
  host=$(host_platform)
  platforms+=("$host")
  echo "==> cargo build --release --bin $name"
  cargo build --release --bin "$name"
  exe=""
  [[ "${platforms[0]}" == windows_* ]] && exe=.exe
  paths+=("$repo/target/release/$name$exe")
fi

dist=${DIST_DIR:-$repo/dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
sums_name=${name}_${version}_SHA256SUMS
manifest_name=${name}_${version}_manifest.json
mirror_dir=$dist/mirror/registry.terraform.io/cftenant/cftenant

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The artifacts of this version are replaced as a whole: a platform packaged
# by an earlier run and not by this one must not linger beside sums that do
# not list it.
rm -f "$dist/${name}_${version}_"*.zip "$dist/$sums_name" "$dist/$sums_name.sig" "$dist/$manifest_name"
rm -f "$mirror_dir/${name}_${version}_"*.zip

zips=()
for i in "${!platforms[@]}"; do
  platform=${platforms[$i]}
  # Terraform runs the file named terraform-provider-<type>_v<version> it
  # finds in the zip; on windows, terraform-provider-<type>_v<version>.exe.
  exe=""
  [[ "$platform" == windows_* ]] && exe=.exe
  entry=${name}_v${version}${exe}
  zip_name=${name}_${version}_${platform}.zip
  echo "==> $zip_name from ${paths[$i]}"
  mkdir "$stage/$platform"
  cp "${paths[$i]}" "$stage/$platform/$entry"
  chmod 0755 "$stage/$platform/$entry"
  if command -v zip >/dev/null 2>&1; then
    # -X: no extra attributes beyond the Unix mode, which must stay executable.
    (cd "$stage/$platform" && zip -q -X "$dist/$zip_name" "$entry")
  else
    python3 - "$stage/$platform/$entry" "$dist/$zip_name" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as z:
    # ZipFile.write records the file's Unix mode (executable) in the entry.
    z.write(src, arcname=os.path.basename(src))
PY
  fi
  zips+=("$zip_name")
done

printf '{"version":1,"metadata":{"protocol_versions":["6.0"]}}\n' >"$dist/$manifest_name"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}
# The format of a registry's SHA256SUMS: "<hex>  <file>", sorted by name.
(
  cd "$dist"
  for f in "${zips[@]}" "$manifest_name"; do
    printf '%s  %s\n' "$(sha256 "$f")" "$f"
  done | LC_ALL=C sort -k2
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
for zip_name in "${zips[@]}"; do
  cp "$dist/$zip_name" "$mirror_dir/$zip_name"
done

echo "==> $dist"
for zip_name in "${zips[@]}"; do
  echo "    $zip_name"
done
echo "    $sums_name"
if [ -n "$signed" ]; then
  echo "$signed"
else
  echo "    (unsigned: set GPG_FINGERPRINT to sign the SHA256SUMS, as the public registry requires)"
fi
echo "    $manifest_name"
for zip_name in "${zips[@]}"; do
  echo "    mirror/registry.terraform.io/cftenant/cftenant/$zip_name"
done
