#!/bin/sh
# The real shell started on an empty data folder opens the set-up assistant, not the sign-in:
#   first_run.sh SHELL DATA   (under xvfb-run)
set -eu
shell=$1
data=$2
rm -rf "$data"
# English titles: xdotool matches window names reliably in ASCII.
ONEWINDOW_LANG=en "$shell" --data "$data" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
if ! timeout 60 xdotool search --sync --name 'OneWindow - set-up assistant' >/dev/null; then
    echo "the set-up assistant did not open on an empty data folder" >&2
    exit 1
fi
if xdotool search --name 'OneWindow - sign in' >/dev/null; then
    echo "the sign-in opened before the counter was set up" >&2
    exit 1
fi
if [ -e "$data/counter.db" ] || [ -e "$data/counter.json" ]; then
    echo "the shell wrote the counter's files before the assistant was answered" >&2
    exit 1
fi
echo "the set-up assistant opened"
