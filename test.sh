#!/usr/bin/env bash
# Runs every test of CodeChat.NET. Prints "N passed, N failed" as its last line.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test CodeChat.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Microsoft.Testing.Platform prints one "Test run summary" for the whole solution (per-assembly
# lines above it carry no counts); read only the block after its last header, so that a runner
# that printed a summary per project as well could never be counted twice.
summary=$(awk '/^Test run summary:/ { block = "" } { block = block $0 "\n" } END { printf "%s", block }' "$log")
if ! grep -q '^Test run summary:' "$log"; then
    summary=""
fi
passed=$(printf '%s' "$summary" | awk '/^[[:space:]]+succeeded: [0-9]+/ { n = $2 } END { print n + 0 }')
failed=$(printf '%s' "$summary" | awk '/^[[:space:]]+failed: [0-9]+/ { n = $2 } END { print n + 0 }')
skipped=$(printf '%s' "$summary" | awk '/^[[:space:]]+skipped: [0-9]+/ { n = $2 } END { print n + 0 }')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # A build error or a crashed test host fails the run without a failed test to count.
    echo "dotnet test exited with $status without a failing test (build error or test host crash); counted as 1 failure"
    failed=1
fi
# A failing assembly's console output (every silo log line) follows its failures, so on a long run
# the failures scroll far above the end; repeat each (name, message, first stack lines) here.
failures=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /^failed / { keep = 1; lines = 0; print ""; print; next }
    keep && /^[[:space:]]/ { if (++lines <= 30) print; next }
    { keep = 0 }
')
if [ -n "$failures" ]; then
    echo
    echo "Failed tests (repeated from above):$failures"
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
exit "$status"
