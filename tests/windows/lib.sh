# Helpers the Windows tests share (sourced): a fresh Wine prefix per test,
# paths as Windows sees them, cleanup; and the end-to-end helpers (ok, bad,
# expect, until_ok, e2e_done) from tests/e2e/lib.sh. A test that cannot start Wine at all
# exits 77, which ctest reports as skipped, with a message saying so.
#   . tests/windows/lib.sh; win_setup; ...; (win_cleanup runs on exit)

# shellcheck source=../e2e/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

WINE=${WINE:-}
if [ -z "$WINE" ]; then
	if [ -x /usr/lib/wine/wine64 ]; then WINE=/usr/lib/wine/wine64; else WINE=$(command -v wine64 || command -v wine || true); fi
fi
WINESERVER=${WINESERVER:-$(dirname "${WINE:-/usr/lib/wine/wine64}")/wineserver}
[ -x "$WINESERVER" ] || WINESERVER=$(command -v wineserver || true)
export WINEDEBUG=${WINEDEBUG:--all}

win_cleanup() {
	if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
		WINEPREFIX=$WINEPREFIX "$WINESERVER" -k >/dev/null 2>&1 || true
		rm -rf "$WINEPREFIX"
	fi
}

# A fresh prefix in WINEPREFIX (exported); skips the test (exit 77) when
# Wine is missing or cannot boot one.
win_setup() {
	if [ -z "$WINE" ] || [ ! -x "$WINE" ]; then
		echo "SKIPPED: wine64 is not installed (deploy/setup-deps.sh --windows); the Windows agent was NOT tested" >&2
		exit 77
	fi
	WINEPREFIX=$(mktemp -d /tmp/bindscope-wine.XXXXXX)
	export WINEPREFIX
	trap win_cleanup EXIT
	if ! timeout 180 "$WINE" wineboot -i >"$WINEPREFIX.boot.log" 2>&1; then
		echo "SKIPPED: wine cannot start a prefix (see below); the Windows agent was NOT tested" >&2
		tail -20 "$WINEPREFIX.boot.log" >&2
		rm -f "$WINEPREFIX.boot.log"
		exit 77
	fi
	rm -f "$WINEPREFIX.boot.log"
	# One wineserver for the whole test: Wine rewrites Tcpip\Hostname and
	# Domain from the Linux host whenever a wineserver starts, so what a
	# test imports must be read by the same server.
	"$WINESERVER" -p >/dev/null 2>&1 || true
}

# Runs a Windows program in the prefix, bounded (default 120 s).
win_run() {
	timeout "${WIN_TIMEOUT:-120}" "$WINE" "$@"
}

# A Linux path as the prefix sees it (drive Z: is /).
win_path() {
	printf 'Z:%s' "$(printf '%s' "$1" | sed 's|/|\\|g')"
}

# The prefix's C: drive.
win_c() {
	printf '%s/drive_c' "$WINEPREFIX"
}

# For tests that install services: the boot leaves its services.exe
# winding down for a few seconds, and a service created meanwhile can be
# lost (msiexec's own StartServices then finds none). Lets that wineserver
# exit and starts a new, persistent one, so auto-start services are not
# started again by each later command either. Its first program starts
# services.exe: the Wine debug output of services started from now on
# (WINEDEBUG as the caller sets it, e.g. -all,+eventlog) goes to $1
# (default /dev/null).
win_fresh_server() {
	"$WINESERVER" -p0 >/dev/null 2>&1 || true
	timeout 60 "$WINESERVER" -w 2>/dev/null || true
	"$WINESERVER" -p >/dev/null 2>&1 || true
	win_run cmd /c exit 0 >/dev/null 2>"${1:-/dev/null}" || true
}
