#!/usr/bin/env bash
# Checks deploy/images/Dockerfile.* against what can be verified without a
# Docker engine, on this Debian 12 machine (the images' own release):
#   1. each binary the runtime stage copies from the build stage is a CMake
#      target of the configured build tree;
#   2. every shared library it loads (ldd -> dpkg -S -> package) is installed
#      by the runtime stage: named in its apt-get install, pulled in by one
#      of those packages' dependencies, or part of debian:12-slim (Essential
#      packages and apt, with their dependencies);
#   3. so are the programs listed in a "# drs-check-programs:" comment;
#   4. the build stage installs every -dev package scripts/install-deps lists.
#
# Usage: test/images/dockerfile_check.sh [--build-dir DIR] [DOCKERFILE...]
#   DIR defaults to $DRS_BUILD_DIR or build/release; the Dockerfiles default
#   to all of deploy/images/Dockerfile.*.
# Exit: 0 all good; 1 a check failed; 77 (ctest's SKIP_RETURN_CODE) a binary
# is a target but not built in DIR, so its libraries could not be checked.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${DRS_BUILD_DIR:-$repo/build/release}
dockerfiles=()
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) dockerfiles+=("$1"); shift ;;
  esac
done
((${#dockerfiles[@]})) || dockerfiles=("$repo"/deploy/images/Dockerfile.*)

# The path prefix of the release build tree inside the build stage.
readonly stage_build_prefix=/src/build/release/

failures=0
skipped=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

if [[ $(cut -d. -f1 /etc/debian_version 2>/dev/null) != 12 ]]; then
  echo "dockerfile_check: needs a Debian 12 machine to resolve Debian 12 packages" >&2
  exit 1
fi

# One logical line per instruction: continuation lines joined, comments gone.
logical_lines() {
  sed -e '/^[[:space:]]*#/d' "$1" | sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}'
}

# The instructions of the last stage (the runtime image).
runtime_stage() {
  logical_lines "$1" | awk 'toupper($1) == "FROM" { stage = "" } { stage = stage $0 "\n" }
                            END { printf "%s", stage }'
}

build_stage() {
  logical_lines "$1" | awk 'toupper($1) == "FROM" { n++ } n == 1'
}

# Package names given to apt-get install in the instructions on stdin.
installed_packages() {
  grep -o 'apt-get install[^&;|]*' | sed 's/apt-get install//' | tr ' ' '\n' |
    grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u || true
}

# The packages and all they (pre-)depend on, recursively.
closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$@" 2>/dev/null | grep -E '^[a-z0-9]' | sort -u
}

# Packages every debian:12-slim has: the Essential set and apt (how a minbase
# Debian is made), with their dependencies.
base_packages() {
  local essential
  mapfile -t essential < <(dpkg-query -W -f='${Package} ${Essential}\n' | awk '$2 == "yes" { print $1 }')
  closure apt "${essential[@]}"
}

# The Debian package that owns a file. ldd prints /lib paths; with merged
# /usr the package may list the file under /usr/lib, or only the real file
# behind a symlink.
owner_of() {
  local path=$1 real candidates=()
  real=$(readlink -f "$path")
  for p in "$path" "$real"; do
    candidates+=("$p")
    case $p in
      /usr/*) candidates+=("${p#/usr}") ;;
      *) candidates+=("/usr$p") ;;
    esac
  done
  for p in "${candidates[@]}"; do
    if out=$(dpkg -S "$p" 2>/dev/null); then
      echo "${out%%: *}" | tr ',' '\n' | sed 's/^ *//; s/:.*$//'
      return 0
    fi
  done
  return 1
}

# Resolved library paths a binary loads (the vDSO has no file).
libraries_of() {
  ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u
}

cmake_targets=$(cmake --build "$build_dir" --target help 2>/dev/null |
                sed -E 's/^\.\.\. //; s/:.*$//' || true)
if [[ -z $cmake_targets ]]; then
  echo "dockerfile_check: $build_dir is not a configured build tree (cmake --preset ...)" >&2
  exit 1
fi

base=$(base_packages)

# Every -dev package scripts/install-deps lists must be in each build stage.
wanted_dev=$(grep -v '^[[:space:]]*#' "$repo/scripts/install-deps" |
             grep -oE '\b[a-z0-9.+-]+-dev\b' | sort -u)

for dockerfile in "${dockerfiles[@]}"; do
  name=${dockerfile#"$repo"/}
  echo "== $name"
  [[ -f $dockerfile ]] || { fail "$name does not exist"; continue; }

  runtime=$(runtime_stage "$dockerfile")
  from=$(awk 'toupper($1) == "FROM" { print $2 }' <<<"$runtime")
  [[ $from == debian:12-slim || $from == debian:bookworm-slim ]] ||
    fail "$name: runtime stage is FROM $from; the check assumes debian:12-slim"
  explicit=$(installed_packages <<<"$runtime")
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  available=$(sort -u <(closure $explicit) <(echo "$base"))

  build_packages=$(build_stage "$dockerfile" | installed_packages)
  for dev in $wanted_dev; do
    grep -qx "$dev" <<<"$build_packages" ||
      fail "$name: build stage does not install $dev (scripts/install-deps lists it)"
  done

  # Each package a file needs, checked against what the image has.
  check_file() {
    local what=$1 file=$2 owners
    if ! owners=$(owner_of "$file"); then
      fail "$name: $what needs $file, which no Debian package owns"
      return
    fi
    local ok=0
    for pkg in $owners; do grep -qx "$pkg" <<<"$available" && ok=1; done
    if ((ok)); then
      echo "   ok  $file ($(tr '\n' ' ' <<<"$owners" | sed 's/ $//'))"
    else
      fail "$name: $what needs $file from package $(tr '\n' ' ' <<<"$owners")but the runtime stage does not install it"
    fi
  }

  copies=$(grep -iE '^COPY[[:space:]]+--from=build[[:space:]]' <<<"$runtime" | awk '{ print $3 }')
  [[ -n $copies ]] || fail "$name: the runtime stage copies no binary from the build stage"
  for src in $copies; do
    if [[ $src != "$stage_build_prefix"* ]]; then
      fail "$name: copies $src, not a file of the release build tree $stage_build_prefix"
      continue
    fi
    rel=${src#"$stage_build_prefix"}
    target=$(basename "$rel")
    if ! grep -qx -- "$target" <<<"$cmake_targets"; then
      fail "$name: copies $target, which is not a CMake target of $build_dir"
      continue
    fi
    binary=$build_dir/$rel
    if [[ ! -x $binary ]]; then
      echo "SKIP: $name: $target is a target but $binary is not built" >&2
      skipped=$((skipped + 1))
      continue
    fi
    echo "-- $target: shared libraries"
    while read -r lib; do check_file "$target" "$lib"; done < <(libraries_of "$binary")
    # ldd's output is captured first: grep -q closing the pipe early could
    # make ldd die of SIGPIPE and, under pipefail, hide the match.
    if grep -q 'not found' <<<"$(ldd "$binary")"; then
      fail "$name: ldd finds unresolved libraries for $binary"
    fi
  done

  programs=$(sed -n 's/^#[[:space:]]*drs-check-programs:[[:space:]]*//p' "$dockerfile")
  if [[ -n $programs ]]; then
    echo "-- programs"
    for program in $programs; do check_file "the image" "$program"; done
  fi
done

if ((failures)); then
  echo "dockerfile_check: $failures problem(s)" >&2
  exit 1
fi
if ((skipped)); then
  echo "dockerfile_check: passed, but $skipped binary(ies) not built: build them to check fully" >&2
  exit 77
fi
echo "dockerfile_check: all checks passed"
