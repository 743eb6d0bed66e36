#!/usr/bin/env bash
# OneWindow set-up for a fresh Debian 12 machine (run as root or with sudo available).
#
#   ./setup.sh demo   install what is missing, build, start the main program on the demo data
#   ./setup.sh test   install what is missing, build, run every test (this is what CI runs)
#
# Only packages that are not installed yet are installed; nothing is downloaded but Debian packages.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-demo}
build_dir=${ONEWINDOW_BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)

packages=(
    # toolchain: a minimal Debian 12 has no compiler, no cmake
    build-essential cmake ninja-build pkg-config
    # the libraries
    libsqlitecpp-dev libsqlite3-dev libpoco-dev libhpdf-dev libboost-dev libboost-filesystem-dev
    catch2 libharfbuzz-dev libwxgtk3.2-dev
    # QR codes of case and notice numbers on receipts and notices
    libqrencode-dev
    # a service centre's case store: PostgreSQL 15, its client library; the tests start their own
    # server (tests/postgres/pg_server.sh), never the distribution's cluster
    postgresql-15 libpq-dev
    # CJK fonts embedded in printed documents (gbsn00lp: GB Song for the body and titles;
    # uming: Song/Ming for the characters gbsn00lp lacks; zenhei: 黑体 headings and labels)
    fonts-arphic-gbsn00lp fonts-arphic-uming fonts-wqy-zenhei
    # the benchmark's baseline: the same receipt drawn by ReportLab (receipt_vs_reportlab_ratio)
    python3-reportlab
    # pinyin data (read through bzcat at build time), gettext tools
    unicode-data bzip2 gettext
    # PDF pages for the print preview and the tests' checks; a display for the window tests
    poppler-utils poppler-data xvfb xauth imagemagick
    # reading the QR codes of printed documents back, as a phone would
    zbar-tools
    # real key presses for the keyboard-only window test
    xdotool
    # printing: the CUPS clients; the tests start their own scheduler with a cups-pdf printer
    cups-client cups-daemon printer-driver-cups-pdf
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

case "$mode" in
    demo) build_type=RelWithDebInfo ;;
    test) build_type=RelWithDebInfo ;;
    *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=$build_type
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
    demo)
        data="$build_dir/demo-data"
        # The first start walks through the command-line demo once: it trusts the bundled plugins,
        # creates the demo accounts and takes in two demo cases, so the window has data to show.
        if [ ! -e "$data/counter.db" ]; then
            "$build_dir/stage/bin/onewindow-cli" --data "$data" demo
        fi
        if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
            echo "setup: no display here, so the window cannot open; run this on a desktop," \
                "or see the command-line demo above" >&2
            exit 0
        fi
        exec "$build_dir/stage/bin/onewindow" --data "$data" --demo
        ;;
    test)
        cd "$build_dir"
        exec ctest --output-on-failure -j "$jobs" --timeout 600
        ;;
esac
