#!/usr/bin/env bash
# Starts CodeChat.NET on this machine: API on http://0.0.0.0:8084, embedded PostgreSQL in ./data
# (unless ConnectionStrings__CodeChat is set). Extra arguments go to the host, e.g. --CodeChat:Port=9000.
set -euo pipefail
cd "$(dirname "$0")"
# `dotnet run` starts the host in src/Silo as an optimized Release build (the Debug build of ./test.sh is
# unoptimized); keep the data folder where the README says it is.
export CodeChat__DataPath="${CodeChat__DataPath:-$PWD/data}"
exec dotnet run -c Release --project src/Silo -- "$@"
