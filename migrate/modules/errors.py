"""The one exception type of the modules package: a problem that becomes a finding."""

from __future__ import annotations

from migrate.rules.ids import RuleId


class ModuleError(Exception):
    """A module could not be fetched or read; `rule_id` names the MOD rule it reports as.

    Messages are built by this package only, never from credentials or tokens.
    """

    def __init__(self, rule_id: RuleId, message: str) -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.message = message
