"""The finding catalogue (data in the top-level `rules/` folder) and the typed table of its ids."""

from migrate.rules.catalogue import Rule, catalogue, finding, get, lookup
from migrate.rules.ids import RuleId

__all__ = ["Rule", "RuleId", "catalogue", "finding", "get", "lookup"]
