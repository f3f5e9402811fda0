#!/usr/bin/env bash
# Runs every test of CodeChat.NET. Prints "N passed, N failed" as its last line.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test CodeChat.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
exit "$status"
