#!/usr/bin/env bash
# OneWindow set-up for a fresh Debian 12 machine (run as root or with sudo available).
#
#   ./setup.sh demo   install what is missing, build, start the main program on the demo data
#   ./setup.sh demo centre       the same as a service centre: two counters (WX01, WX02) on one
#                                PostgreSQL store (a private server in build/centre-pg), a window
#                                each: a case accepted at one is handed out at the other
#   ./setup.sh test   install what is missing, build, run every test (this is what CI runs)
#   ./setup.sh package           build the Debian packages onewindow, onewindow-backoffice and
#                                onewindow-sdk-dev into build/packages/ (CPack)
#   ./setup.sh sanitize          the same tests, built with ASan and UBSan into build-sanitize/
#   ./setup.sh fuzz [SECONDS [TARGET...]]   build the libFuzzer targets with clang into
#                                build-fuzz/ and run each (or those named) for SECONDS (60 by
#                                default); exit 1 on any finding
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
    # server (tests/postgres/pg_server.sh), never the distribution's cluster. pg_dump and
    # pg_restore (a centre's backups) are postgresql-client-15's, named although postgresql-15
    # depends on it: a counter PC that only backs up needs no server
    postgresql-15 postgresql-client-15 libpq-dev
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
    # the test that installs (tests/package): lintian on the Debian packages CPack builds (their
    # dependencies come from dpkg-shlibdeps, of dpkg-dev, which build-essential brings)
    lintian
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

case "$mode" in
    demo | test | package | sanitize | fuzz) ;;
    *) echo "usage: $0 demo|test|package|sanitize|fuzz [SECONDS [TARGET...]]" >&2; exit 2 ;;
esac

# Installs the Debian packages named that are not installed yet.
install_missing() {
    local wanted=() p status
    for p in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || wanted+=("$p")
    done
    [ ${#wanted[@]} -eq 0 ] && return 0
    echo "setup: installing ${wanted[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}"
}
install_missing "${packages[@]}"

case "$mode" in
    sanitize)
        # The whole suite built with AddressSanitizer and UndefinedBehaviorSanitizer (gcc). The
        # programs the build runs (test discovery, the pinyin table) run sanitized too, with leak
        # detection off; the tests run with it on. Third-party leaks only are suppressed, each
        # named in tests/sanitize/lsan.supp.
        build_dir=${ONEWINDOW_SANITIZE_BUILD_DIR:-build-sanitize}
        export ASAN_OPTIONS=detect_leaks=0
        cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEWINDOW_SANITIZE=ON
        cmake --build "$build_dir" -j "$jobs"
        export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1
        export LSAN_OPTIONS=suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0
        export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
        cd "$build_dir"
        exec ctest --output-on-failure -j "$jobs" --timeout 1800
        ;;
    fuzz)
        # Every libFuzzer target of tests/fuzz under ASan and UBSan (clang), each for SECONDS,
        # starting from its committed corpus; new inputs go to build-fuzz/corpus/<target>/,
        # findings to build-fuzz/findings/<target>/. A line per target with runs and exec/s.
        seconds=${2:-60}
        shift $(($# < 2 ? $# : 2))
        wanted=("$@")  # target names; none: all
        install_missing clang-14 libfuzzer-14-dev
        build_dir=${ONEWINDOW_FUZZ_BUILD_DIR:-build-fuzz}
        export ASAN_OPTIONS=detect_leaks=0
        cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DONEWINDOW_FUZZ=ON
        cmake --build "$build_dir" -j "$jobs"
        unset ASAN_OPTIONS
        export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
        found=0
        for corpus in tests/fuzz/corpus/*/; do
            target=$(basename "$corpus")
            if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $target "* ]]; then continue; fi
            mkdir -p "$build_dir/corpus/$target" "$build_dir/findings/$target"
            # JSON targets get the JSON dictionary; inputs up to 8 KiB (the shared field
            # dictionary is larger: 32 KiB for it).
            options=(-dict=tests/fuzz/json.dict -max_len=8192)
            case "$target" in
                exchange_auth | staff_form) options=(-max_len=8192) ;;
                dictionary) options=(-dict=tests/fuzz/json.dict -max_len=32768) ;;
            esac
            log="$build_dir/fuzz-$target.log"
            if "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
                -timeout=10 -rss_limit_mb=2048 "${options[@]}" \
                -artifact_prefix="$build_dir/findings/$target/" \
                "$build_dir/corpus/$target" "$corpus" >"$log" 2>&1; then
                verdict=ok
            else
                verdict="FINDING (see $log and $build_dir/findings/$target/)"
                found=1
            fi
            runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
            speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
            rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
            echo "fuzz: $target: ${runs:-?} runs in ${seconds} s, ${speed:-?} exec/s, peak RSS ${rss:-?} MB: $verdict"
        done
        exit $found
        ;;
esac

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
    demo)
        if [ "${2:-}" = centre ]; then
            server="$PWD/$build_dir/centre-pg"
            sh tests/postgres/pg_server.sh start "$server"
            url=$(sh tests/postgres/pg_server.sh url "$server" onewindow_centre)
            admin_url=$(sh tests/postgres/pg_server.sh url "$server" postgres)
            if [ "$(psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = 'onewindow_centre'")" != 1 ]; then
                psql "$admin_url" -qc "CREATE DATABASE onewindow_centre"
            fi
            echo "setup: the centre's store is $url (stop it with: sh tests/postgres/pg_server.sh stop $server)"
            for counter in WX01 WX02; do
                data="$build_dir/centre-$counter"
                if [ ! -e "$data/counter.json" ]; then
                    mkdir -p "$data"
                    printf '{"code": "%s", "name": "魏县政务服务中心综合受理窗口（%s）", "service_area": "130434",\n "enquiry_phone": "0310-0000000（示例号码）", "store": "%s"}\n' \
                        "$counter" "$counter" "$url" >"$data/counter.json"
                    # The demo's plugins, accounts (once for the centre) and two cases each.
                    "$build_dir/stage/bin/onewindow-cli" --data "$data" demo
                fi
            done
            if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
                echo "setup: no display here, so the windows cannot open; the centre's data is ready" >&2
                exit 0
            fi
            "$build_dir/stage/bin/onewindow" --data "$build_dir/centre-WX01" --demo &
            exec "$build_dir/stage/bin/onewindow" --data "$build_dir/centre-WX02" --demo
        fi
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
    package)
        # CPack (packaging/CMakeLists.txt); dependencies from dpkg-shlibdeps (dpkg-dev).
        rm -f "$build_dir"/packages/*.deb
        (cd "$build_dir" && cpack)
        ls -l "$build_dir"/packages/*.deb
        ;;
esac
