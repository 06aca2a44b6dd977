"""Who else manages an object: a GitOps controller (Argo CD, Flux) or Helm would put back what
apply deletes, or fight over what it changes; the repository is the place to migrate then."""

from __future__ import annotations

from collections.abc import Mapping

from migrate.cluster.refs import Json, metadata_of

ARGO_LABEL = "app.kubernetes.io/instance"
ARGO_ANNOTATION = "argocd.argoproj.io/tracking-id"
FLUX_PREFIX = "kustomize.toolkit.fluxcd.io/"
HELM_ANNOTATION = "meta.helm.sh/release-name"


def owner(body: Json) -> str | None:
    """The tool that tracks the object and how it is known, or None."""
    metadata = metadata_of(body)
    labels = _strings(metadata.get("labels"))
    annotations = _strings(metadata.get("annotations"))
    if ARGO_ANNOTATION in annotations:
        return f"Argo CD (annotation {ARGO_ANNOTATION}={annotations[ARGO_ANNOTATION]})"
    if ARGO_LABEL in labels:
        return f"Argo CD (label {ARGO_LABEL}={labels[ARGO_LABEL]})"
    flux = sorted(k for k in labels if k.startswith(FLUX_PREFIX))
    if flux:
        return f"Flux (label {flux[0]}={labels[flux[0]]})"
    if HELM_ANNOTATION in annotations:
        return f"Helm (release {annotations[HELM_ANNOTATION]})"
    return None


def _strings(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}
