#!/bin/bash
# What a program links, checked on the built files (issue 14: the back office links only what it
# uses). Two checks:
#
#   link_check.sh program <binary>
#       fails when the program links the documents (libharu HPDF_, HarfBuzz hb_, qrencode
#       QRcode_), the plugin host (Boost.DLL, PluginHost), the counter's case store (CaseStore,
#       store::, libpq) or the Counter: dynamically (a NEEDED library) or statically (a symbol
#       in the binary, defined or wanted).
#   link_check.sh layers <lib1.a> <lib2.a> ...
#       the core's static libraries in dependency order, lowest first: fails when a library
#       needs a symbol that only a library after it defines (a call up the layers), naming the
#       symbol and both libraries.
set -euo pipefail

case "${1:-}" in
program)
    binary=$2
    [ -x "$binary" ] || { echo "link_check: $binary is not a built program" >&2; exit 2; }
    status=0
    found_all=""
    needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    for lib in libhpdf libharfbuzz libqrencode libpq libboost_filesystem; do
        if grep -q "^$lib" <<<"$needed"; then
            echo "$binary needs $(grep "^$lib" <<<"$needed" | head -1)"
            found_all+=" $lib"
            status=1
        fi
    done
    symbols=$(nm -C "$binary")
    for pattern in ' HPDF_' ' hb_' ' QRcode_' 'boost::dll::' 'onewindow::PluginHost' \
        'onewindow::CaseStore' 'onewindow::store::' 'onewindow::Counter::' ' PQconnect'; do
        found=$(grep -F -- "$pattern" <<<"$symbols" | head -3 || true)
        if [ -n "$found" ]; then
            echo "$binary links \"${pattern# }\", e.g.:"
            sed 's/^/    /' <<<"$found"
            found_all+=" ${pattern# }"
            status=1
        fi
    done
    if [ $status -eq 0 ]; then
        echo "$binary links none of the documents, plugin host or case store"
    else
        echo "found:$found_all"
    fi
    exit $status
    ;;
layers)
    shift
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    libs=("$@")
    for i in "${!libs[@]}"; do
        [ -f "${libs[$i]}" ] || { echo "link_check: ${libs[$i]} is missing" >&2; exit 2; }
        nm --defined-only -g "${libs[$i]}" 2>/dev/null | awk 'NF == 3 && $2 != "U" {print $3}' |
            sort -u >"$work/defined.$i"
        nm -u "${libs[$i]}" 2>/dev/null | awk '$1 == "U" {print $2}' | sort -u >"$work/wanted.$i"
    done
    status=0
    for i in "${!libs[@]}"; do
        for ((j = i + 1; j < ${#libs[@]}; ++j)); do
            # What i wants, j defines, and neither i itself nor a library below it defines.
            comm -12 "$work/wanted.$i" "$work/defined.$j" >"$work/up"
            for ((k = 0; k <= i; ++k)); do
                comm -23 "$work/up" "$work/defined.$k" >"$work/up.tmp"
                mv "$work/up.tmp" "$work/up"
            done
            if [ -s "$work/up" ]; then
                echo "$(basename "${libs[$i]}") calls up into $(basename "${libs[$j]}"):"
                head -5 "$work/up" | c++filt | sed 's/^/    /'
                status=1
            fi
        done
    done
    [ $status -eq 0 ] && echo "${#libs[@]} libraries, each calls only those before it"
    exit $status
    ;;
*)
    echo "usage: link_check.sh program <binary> | layers <lib.a>..." >&2
    exit 2
    ;;
esac
