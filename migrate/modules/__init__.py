"""Wasm modules behind ServiceMeshExtensions: fetch OCI images, detect their format, check the
wasm against the proxy-wasm ABI, smoke-test its configuration, repackage for Istio.

The rest of the tool talks to `migrate.modules.api` only.
"""
