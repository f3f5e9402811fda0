#!/usr/bin/env bash
# Starts CodeChat.NET on this machine: API on http://0.0.0.0:8084, embedded PostgreSQL in ./data
# (unless ConnectionStrings__CodeChat is set). Extra arguments go to the host, e.g. --CodeChat:Port=9000.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project src/Silo -- "$@"
