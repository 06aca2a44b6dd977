"""sme-migrate: migrate Maistra ServiceMeshExtensions to Istio WasmPlugins."""

# The one version number: setuptools reads it for the package metadata (pyproject.toml,
# [tool.setuptools.dynamic]), `--version` and SARIF's tool version print it.
__version__ = "0.1.0"
# The one repository address: pyproject's [project.urls] and the rule help links agree with it.
REPOSITORY_URL = "https://github.com/sme-migrate/sme-migrate"
