#!/usr/bin/env bash
# `npm run setup`: everything the engine and the tests need, cached under ~/.cache/stackpilot.
# The engine (scripts/setup-engine.sh), the test control plane (scripts/setup-cluster.sh), the
# manifest checkers (scripts/setup-checkers.sh) and the image tools (scripts/setup-images.sh) are
# independent, so they run side by side: on a fresh machine their module downloads overlap the
# other builds' compiles. Each one's output is prefixed by its name; the run fails when any of
# them fails (the tests that need a missing part would fail anyway, naming this command).
set -uo pipefail
cd "$(dirname "$0")"

pids=()
names=()
for part in engine cluster checkers images; do
  # Progress goes to standard error, as each script's own log does.
  (bash "setup-$part.sh" 2>&1 | sed -u "s/^/[$part] /" >&2) &
  pids+=("$!")
  names+=("$part")
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    printf 'setup: %s failed (see the [%s] lines above)\n' "${names[$i]}" "${names[$i]}" >&2
    failed=1
  fi
done
exit "$failed"
