#!/usr/bin/env bash
# Runs `sme-migrate scan` with the action's inputs, passed as environment variables:
#   SME_PATHS   files or directories, separated by spaces or new lines (default ".")
#   SME_IGNORE  suppressions, one per line
#   SME_CONFIG  config file (optional)
# Further arguments (--format, --fail-on, --output) are passed through.
set -euo pipefail
set -f  # paths and suppressions are data: no glob expansion

read -r -d '' -a paths <<< "${SME_PATHS:-.}" || true
if [ "${#paths[@]}" -eq 0 ]; then paths=(.); fi

args=()
while IFS= read -r ignore; do
  ignore="${ignore#"${ignore%%[![:space:]]*}"}"
  ignore="${ignore%"${ignore##*[![:space:]]}"}"
  if [ -n "$ignore" ]; then args+=(--ignore "$ignore"); fi
done <<< "${SME_IGNORE:-}"
if [ -n "${SME_CONFIG:-}" ]; then args+=(--config "$SME_CONFIG"); fi

exec sme-migrate scan "$@" "${args[@]}" -- "${paths[@]}"
