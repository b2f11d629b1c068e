# Shared helpers for Sluice's scripts (sourced, not run).

# Installs the system packages the build needs (PCRE2, libxcrypt headers, pkg-config) when missing: with
# apt-get when running as root, otherwise says exactly what to run.
sluice_require_build_packages() {
  local missing=()
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  if ! pkg-config --exists libpcre2-8 2>/dev/null || [ ! -f /usr/include/pcre2.h ]; then missing+=(libpcre2-dev); fi
  [ -f /usr/include/crypt.h ] || missing+=(libcrypt-dev)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Sluice needs these packages to build: ${missing[*]}" >&2
    echo "On Debian/Ubuntu run:  sudo apt-get install -y ${missing[*]}" >&2
    echo "(elsewhere: install PCRE2 with its pkg-config file libpcre2-8.pc, and libxcrypt's crypt.h)" >&2
    return 1
  fi
}

# How release binaries are built (scripts/demo, scripts/bench*): optimized, and without Swift's run-time
# exclusivity checks in every module, SwiftNIO's included (debug builds and the tests keep them, so a violation
# is still caught there). Measured: 82.5k -> 76.2k instructions per proxied request (scripts/bench-instructions).
# Always the same flags, so the release build directory is never rebuilt for a flag change.
SLUICE_RELEASE_FLAGS=(-c release -Xswiftc -enforce-exclusivity=unchecked)

sluice_require_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "Sluice needs a Swift 6 toolchain (swift.org/install), and 'swift' on PATH." >&2
    return 1
  fi
}
