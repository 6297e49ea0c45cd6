#!/usr/bin/env bash
# Mutation check (not part of CI): does the suite catch what it claims to guard? Each mutation
# breaks one rule in a throwaway worktree of HEAD — a route's role lowered, the approval rule of
# deployments dropped, a secret value put on a child's command line, a fixture that no longer
# plans — and runs the tests that guard it. Every mutation must make at least one test fail;
# one that survives is printed as SURVIVED and the script exits 1.
#
#   bash scripts/mutation-check.sh          (needs `npm ci` and `npm run setup` done in this repo)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/stackpilot-mutation-XXXX)"
git -C "$root" worktree add -q --detach "$work" HEAD
trap 'git -C "$root" worktree remove --force "$work" >/dev/null 2>&1; rm -rf "$work"' EXIT
ln -s "$root/node_modules" "$work/node_modules"
cd "$work" || exit 2

survived=0
# mutate <name> <file> <perl substitution> <test files…>
mutate() {
  local name="$1" file="$2" expr="$3"
  shift 3
  cp "$file" "$file.orig"
  perl -0pi -e "$expr" "$file"
  if cmp -s "$file" "$file.orig"; then
    echo "NOT APPLIED: $name (the pattern no longer matches $file)"
    survived=1
    mv "$file.orig" "$file"
    return
  fi
  npm run --silent build >/dev/null 2>&1
  local log="$work/mutation.log"
  if npx mocha "$@" >"$log" 2>&1; then
    echo "SURVIVED: $name — $(tail -1 "$log")"
    survived=1
  else
    echo "caught:   $name — $(tail -1 "$log")"
    # The first failing test and the first line of its error.
    grep -m1 -A3 '^  1) ' "$log" | sed -e 's/^ */    /' | head -4
  fi
  mv "$file.orig" "$file"
}

mutate 'POST /v1/stacks/:env/recover lowered to viewer' \
  src/server/routes/stacks.ts \
  "s{(path: '/v1/stacks/:env/recover',\s*access: )'admin'}{\$1'viewer'}" \
  test/unit/server/app.test.ts test/integration/server/auth-matrix.test.ts

mutate 'POST /v1/stacks/:env/rollbacks lowered to viewer' \
  src/server/routes/stacks.ts \
  "s{(path: '/v1/stacks/:env/rollbacks',\s*access: )'deployer'}{\$1'viewer'}" \
  test/unit/server/app.test.ts test/integration/server/auth-matrix.test.ts

mutate 'deployments of gated environments no longer need an approved preview' \
  src/server/approval-rules.ts \
  's{(if \(!preview\) \{\s*)if \(b\.approvalRequired\)}{$1if (false)}' \
  test/unit/server/gates.test.ts test/unit/server/approval-rules.test.ts

mutate 'a secret value on the pulumi command line' \
  src/engine/secrets.ts \
  "s{'--non-interactive', '--', key\]}{'--non-interactive', '--', key, value]}" \
  test/integration/secrets-argv.test.ts

mutate 'a fixture that no longer plans (an untagged image in compose)' \
  test/fixtures/compose-microservices/docker-compose.yml \
  's{^services:\n}{services:\n  untagged:\n    image: someorg/untagged-thing\n}m' \
  'test/unit/program/**/*.test.ts'

exit "$survived"
