#!/usr/bin/env bash
# Redraws the README's document previews (templates/previews/*.png) from the very documents the
# tests render and check: the unit tests copy them into $ONEWINDOW_PREVIEW_DIR
# (testing::keep_preview), and each preview is the first page (the booklet: its contents page)
# at 50 dpi. Run from the repository root after a build: templates/previews/render.sh [BUILD]
set -euo pipefail
build=${1:-build}
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ONEWINDOW_PREVIEW_DIR=$work "$build/tests/onewindow-unit-tests" \
    "[notices],[result],[report],A refusal to accept is recorded with its reason and nothing else,An incomplete case gets a one-time notice listing each missing material,guide --all: one booklet of every item*" \
    > "$work/tests.log" 2>&1 || { tail -40 "$work/tests.log"; exit 1; }
for pdf in "$work"/*.pdf; do
    name=$(basename "$pdf" .pdf)
    page=1
    [ "$name" = booklet ] && { name=booklet-contents; page=2; }
    pdftoppm -r 50 -png -singlefile -f $page -l $page "$pdf" "$out/$name" 2> /dev/null
    echo "$out/$name.png"
done
