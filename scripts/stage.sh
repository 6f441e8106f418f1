#!/usr/bin/env bash
# Runs one named stage of a build and prints how long it took: `stage.sh NAME cmd args...`.
set -uo pipefail
name=$1; shift
start=$(date +%s)
echo "==> $name"
"$@"
status=$?
echo "==> $name: $(( $(date +%s) - start )) s (exit $status)"
exit $status
