"""The annotations sme-migrate writes on the WasmPlugins it creates."""

from __future__ import annotations

from migrate.model import SmePhase

SOURCE_ANNOTATION = "sme-migrate.io/migrated-from"
# The Maistra phase and priority a plugin came from: a later run orders it among the extensions
# still to migrate, and a reviewer sees what the priority used to say.
ORDER_ANNOTATION = "sme-migrate.io/maistra-order"


def order_annotation(phase: SmePhase, priority: int) -> str:
    return f"{phase.name} {priority}"


def parse_order_annotation(text: object) -> tuple[SmePhase, int] | None:
    phase_text, _, priority_text = str(text).strip().partition(" ")
    phase = SmePhase.parse(phase_text)
    try:
        return (phase, int(priority_text)) if phase is not None else None
    except ValueError:
        return None
