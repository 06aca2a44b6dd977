"""The finding catalogue (data in the top-level `rules/` folder) and the typed table of its ids."""

from migrate.rules.catalogue import Rule, catalogue, finding, get, lookup

__all__ = ["Rule", "catalogue", "finding", "get", "lookup"]
