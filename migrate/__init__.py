"""sme-migrate: migrate Maistra ServiceMeshExtensions to Istio WasmPlugins."""

__version__ = "0.1.0"
