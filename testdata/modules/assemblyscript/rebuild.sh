#!/bin/sh
# Rebuild ../add_header.wasm from assembly/index.ts with the pinned SDK and compiler.
# assemblyscript must stay at 0.14.9: 0.19+ fails with "~lib/rt/index-full.ts not found"
# against @solo-io/proxy-runtime 0.1.8. The output is byte-for-byte reproducible.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run --silent asbuild
cp build/add_header.wasm ../add_header.wasm
echo "wrote $(wc -c < ../add_header.wasm) bytes to testdata/modules/add_header.wasm" >&2
