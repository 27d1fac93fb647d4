# Sourced by scripts/test: the tools of the end-to-end contract tests (tests/e2e):
# Debian's Chromium for the browser test of /docs, Node.js + npm for the TypeScript
# type-check (tests/ts, `npm ci` from its package-lock.json), nginx for the caching
# reverse proxy of tests/e2e/test_nginx.py. Installed from Debian's
# packages when missing and running as root; otherwise a clear error naming them.
# No browser is ever downloaded by a test tool.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

_dle_missing=()
[ -x /usr/bin/chromium ] || _dle_missing+=(chromium)
command -v node >/dev/null || _dle_missing+=(nodejs)
command -v npm >/dev/null || _dle_missing+=(npm)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || _dle_missing+=(nginx)
if [ "${#_dle_missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${_dle_missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${_dle_missing[@]}" >/dev/null
  else
    echo "the tests need Debian packages: ${_dle_missing[*]}" >&2
    echo "  sudo apt-get install ${_dle_missing[*]}" >&2
    exit 1
  fi
fi

# npm ci only when package-lock.json changed since the last one (stamp in node_modules).
_dle_npm_key="$(sha256sum tests/ts/package-lock.json | cut -d' ' -f1)"
if [ "$(cat tests/ts/node_modules/.dle-stamp 2>/dev/null)" != "$_dle_npm_key" ]; then
  (cd tests/ts && npm ci --no-audit --no-fund --loglevel=error)
  printf '%s\n' "$_dle_npm_key" >tests/ts/node_modules/.dle-stamp
fi
