# Shared by scripts/run and scripts/test: installs what is missing, builds once.
# Source it from the repository root.
set -euo pipefail

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

apt_install() {
  # Installs Debian packages whose command (or file, given as a path) is missing:
  # apt_install CMD PKG [CMD PKG …]
  local missing=()
  while [ $# -gt 0 ]; do
    command -v "$1" >/dev/null 2>&1 || [ -e "$1" ] || missing+=("$2")
    shift 2
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt)"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

setup_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (about 14 minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Not --locked: its lockfile names a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  fi
  if ! grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
    echo "Trunk.toml pins another wasm-bindgen than Cargo.lock ($WASM_BINDGEN_VERSION): update [tools]" >&2
    exit 1
  fi
  command -v node >/dev/null || apt_install node nodejs npm npm
  if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing node tools (binaryen's wasm-opt, playwright-core, axe-core)"
    npm ci --no-audit --no-fund
  fi
}

build_frontend() {
  say "building the frontend (trunk, release)"
  cargo fetch --locked
  trunk build --release --offline
  # Each further app is its own wasm under dist/<dir>/, served at /<dir>/ (see backend lib.rs).
  trunk build frontend/apply.html --release --offline=true --dist dist/ap --public-url /ap/
  trunk build frontend/status.html --release --offline=true --dist dist/s --public-url /s/
  trunk build frontend/staff.html --release --offline=true --dist dist/st --public-url /st/
  trunk build frontend/review.html --release --offline=true --dist dist/rv --public-url /rv/
  trunk build frontend/scan.html --release --offline=true --dist dist/sc --public-url /sc/
  trunk build frontend/admin.html --release --offline=true --dist dist/ad --public-url /ad/
  node scripts/externalise-boot.mjs
  node scripts/precompress.mjs
}

# The CJK font certificates are drawn in (the server's --pdf-font default).
install_pdf_font() {
  apt_install /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk
}
