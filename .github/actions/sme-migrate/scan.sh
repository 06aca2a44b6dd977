#!/usr/bin/env bash
# Runs `sme-migrate scan` with the action's inputs, passed as environment variables:
#   SME_MIGRATE        the executable (default: sme-migrate on PATH)
#   SME_PATHS          files or directories, separated by spaces or new lines (default ".")
#   SME_IGNORE         suppressions, one per line
#   SME_CONFIG         config file (optional)
#   SME_CHECK_MODULES  "true": also pull and check every Wasm module (--check-modules)
# Further arguments (-o FORMAT, --output-file, --fail-on) are passed through.
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
case "${SME_CHECK_MODULES:-false}" in
  true) args+=(--check-modules) ;;
  false) ;;
  *) echo "sme-migrate action: check-modules must be true or false, not '$SME_CHECK_MODULES'" >&2
     exit 2 ;;
esac

exec "${SME_MIGRATE:-sme-migrate}" scan "$@" "${args[@]}" -- "${paths[@]}"
