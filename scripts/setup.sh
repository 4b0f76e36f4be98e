#!/usr/bin/env bash
# Sets up jdcast on a fresh Debian/Ubuntu machine with Node 20: the system packages it runs
# (ffmpeg, icecast2, jackd2, python3), the npm dependencies, the build, and the station example's
# music. Safe to run again.
# --tests: also what only the tests need (Chromium, for the dashboard's browser test; JackTrip, for
# the networked scenarios of docs/jacktrip.md; mpv, VLC and GStreamer, for the player matrix of
# docs/metadata.md).
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
for arg in "$@"; do
	case "$arg" in
	--tests) tests=1 ;;
	*) echo "jdcast setup: unknown option $arg (known: --tests)" >&2; exit 2 ;;
	esac
done

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v icecast2 >/dev/null 2>&1 || need+=(icecast2)
{ command -v jackd >/dev/null 2>&1 && command -v jack_simple_client >/dev/null 2>&1; } || need+=(jackd2)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "$tests" -eq 1 ] && [ -z "${JDCAST_CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then need+=(chromium); fi
# The networked scenarios' tests (docs/jacktrip.md) run the real JackTrip.
if [ "$tests" -eq 1 ] && ! command -v jacktrip >/dev/null 2>&1; then need+=(jacktrip); fi
# The player matrix (docs/metadata.md) plays every format in the players listeners use; without their
# recommended packages (VLC's would bring a desktop).
players=()
if [ "$tests" -eq 1 ]; then
	command -v mpv >/dev/null 2>&1 || players+=(mpv)
	command -v cvlc >/dev/null 2>&1 || players+=(vlc-bin vlc-plugin-base)
	command -v gst-launch-1.0 >/dev/null 2>&1 ||
		players+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
fi
if [ ${#need[@]} -gt 0 ] || [ ${#players[@]} -gt 0 ]; then
	echo "jdcast setup: installing ${need[*]} ${players[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	if [ ${#need[@]} -gt 0 ]; then
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	fi
	if [ ${#players[@]} -gt 0 ]; then
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${players[@]}" >/dev/null
	fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
	echo "jdcast setup: Node.js 20 or newer is needed (found $(node --version 2>/dev/null || echo none))" >&2
	exit 1
fi

npm ci --no-audit --no-fund --loglevel=error
npx turbo run build --output-logs=errors-only
# The station example's autodj plays it (docs/multi-dj.md); made here, not kept in git.
bash scripts/station-music.sh
echo "jdcast setup: ready"
