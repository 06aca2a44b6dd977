"""Which object a step touches: enough to address it on the API server and name it to a user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FIELD_MANAGER = "sme-migrate"
Json = Mapping[str, Any]


@dataclass(frozen=True)
class ObjectRef:
    api_version: str  # group/version: every kind apply touches is a custom resource
    kind: str
    plural: str
    namespace: str
    name: str

    @property
    def group(self) -> str:
        return self.api_version.partition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.partition("/")[2]

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


PLURALS = {"ServiceMeshExtension": "servicemeshextensions", "WasmPlugin": "wasmplugins",
           "ServiceMeshControlPlane": "servicemeshcontrolplanes"}


def ref_of(body: Json, namespace: str | None = None) -> ObjectRef:
    metadata = body.get("metadata") or {}
    kind = str(body.get("kind"))
    return ObjectRef(str(body.get("apiVersion")), kind, PLURALS[kind],
                     str(metadata.get("namespace") or namespace or ""), str(metadata.get("name")))


def metadata_of(body: Json) -> Json:
    metadata = body.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}
