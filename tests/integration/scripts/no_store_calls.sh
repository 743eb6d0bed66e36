#!/bin/sh
# The shell and the command line reach the case store only through the core's use-case services
# (session.hpp, intake.hpp, case_desk.hpp, supervision.hpp, admin.hpp), which check the role
# inside: a call of Counter::store() (or of any store()) in app/gui or app/cli fails this test,
# naming the file and line.
# Usage: no_store_calls.sh <source dir>
set -u
found=$(grep -rnE '(^|[^_A-Za-z0-9])store\(\)' "$1/app/gui" "$1/app/cli" \
    --include='*.cpp' --include='*.hpp' --include='*.h')
if [ -n "$found" ]; then
    echo "store() called outside the core's services (use intake.hpp, case_desk.hpp, supervision.hpp, admin.hpp):"
    echo "$found"
    exit 1
fi
echo "no store() call in app/gui or app/cli"
