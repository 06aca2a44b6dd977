#!/usr/bin/env bash
# Installs sme-migrate into a virtualenv of its own, apart from the job's Python packages.
#   install.sh plan      print to $GITHUB_OUTPUT: pip-spec, venv, cache-dir, cache-key
#   install.sh install   create the venv (PIP_SPEC, SME_VENV) and print `executable=` there
# SME_VERSION (the `version` input) says what to install:
#   empty                 the action's own checkout: the release pinned in `uses: ...@REF`
#   0.2.0                 that release from PyPI (sme-migrate==0.2.0)
#   sme-migrate>=0.2,<1   any pip requirement, as written
#   v0.2.0, main, a SHA   that git ref of the repository (its address from pyproject.toml)
set -euo pipefail

checkout="$(cd "$(dirname "$0")/../../.." && pwd)"

repository_url() {
  python - "$checkout/pyproject.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as stream:
    print(tomllib.load(stream)["project"]["urls"]["Homepage"])
PY
}

pip_spec() {
  local version="${SME_VERSION:-}"
  version="${version#"${version%%[![:space:]]*}"}"
  version="${version%"${version##*[![:space:]]}"}"
  if [ -z "$version" ]; then
    echo "$checkout"
  elif [[ "$version" =~ ^[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?$ ]]; then
    echo "sme-migrate==$version"
  elif [[ "$version" == sme-migrate* || "$version" == *[\<\>=~!]* ]]; then
    echo "$version"
  else
    echo "sme-migrate @ git+$(repository_url)@$version"
  fi
}

plan() {
  local spec key_source
  spec="$(pip_spec)"
  # the checkout's pyproject.toml pins what a local install pulls in; a release pins itself
  key_source="$spec"
  if [ "$spec" = "$checkout" ]; then key_source="$(cat "$checkout/pyproject.toml")"; fi
  {
    echo "pip-spec=$spec"
    echo "venv=${RUNNER_TEMP:-/tmp}/sme-migrate-venv"
    echo "cache-dir=$(python -m pip cache dir 2>/dev/null || echo "${RUNNER_TEMP:-/tmp}/pip-cache")"
    echo "cache-key=sme-migrate-pip-${RUNNER_OS:-Linux}-$(python -c 'import sys; print(sys.version.split()[0])')-$(printf '%s' "$key_source" | sha256sum | cut -c1-16)"
  } >> "$GITHUB_OUTPUT"
}

install() {
  python -m venv "$SME_VENV"
  "$SME_VENV/bin/python" -m pip install --disable-pip-version-check --quiet "$PIP_SPEC"
  "$SME_VENV/bin/sme-migrate" --help > /dev/null
  echo "executable=$SME_VENV/bin/sme-migrate" >> "$GITHUB_OUTPUT"
}

case "${1:-}" in
  plan) plan ;;
  install) install ;;
  *) echo "usage: install.sh plan|install" >&2; exit 2 ;;
esac
