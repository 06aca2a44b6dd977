"""The facade the rest of sme-migrate uses: check image references and module files, and get
one ModuleReport each (format, digest, ABI, manifest.yaml defaults, findings)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate import rules
from migrate.model import Finding, Location
from migrate.modules import media
from migrate.modules.cache import BlobCache, default_cache_dir, verdict_dir
from migrate.modules.credentials import DockerConfig, load_docker_config, parse_docker_config
from migrate.modules.digests import sha256_digest
from migrate.modules.errors import ModuleError
from migrate.modules.formats import ImageContents, ImageFormat
from migrate.modules.host import SmokeLimits, plugin_config_bytes, smoke_test
from migrate.modules.image import PulledImage, pull_image
from migrate.modules.inputs import read_capped
from migrate.modules.oci import RegistrySettings
from migrate.modules.pools import ConnectionPools
from migrate.modules.reference import ImageReference, parse_reference
from migrate.modules.verdict_cache import VerdictCache
from migrate.modules.verdicts import CheckKey, Verdict
from migrate.modules.wasm import WasmCheck, check_wasm
from migrate.rules.ids import RuleId

log = logging.getLogger("sme-migrate")


@dataclass(frozen=True)
class ModuleOptions:
    registry_config: Path | None = None  # docker config.json; None: $DOCKER_CONFIG or ~/.docker
    pull_secrets: tuple[bytes, ...] = field(default=(), repr=False)  # .dockerconfigjson payloads
    insecure_registries: frozenset[str] = frozenset()  # hosts spoken to over plain HTTP
    ca_file: Path | None = None
    timeout: float = 10.0  # seconds of silence per connect or read; one request: 2x (+1 s/MiB)
    # blobs in DIR, check verdicts in DIR/checks; None: ~/.cache/sme-migrate/{blobs,checks}
    cache_dir: Path | None = None
    use_cache: bool = True  # False: neither cache is read or written, nothing kept in memory
    smoke_test: bool = True
    smoke_limits: SmokeLimits = field(default_factory=SmokeLimits)
    max_workers: int = 4


@dataclass(frozen=True)
class ModuleReport:
    reference: str  # as given
    digest: str | None  # the image manifest digest (what WasmPlugin spec.sha256 pins); file hash
    format: str | None  # an ImageFormat value; None when unusable
    abi: str | None  # "0.1.0", "0.2.0", "0.2.1"
    manifest_phase: str | None  # from the image's Maistra manifest.yaml
    manifest_priority: int | None
    findings: tuple[Finding, ...]
    index_digest: str | None = None  # set when the reference named an image index
    wasm: bytes | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "format": self.format,
            "digest": self.digest,
            "abi": self.abi,
        }


def registry_settings(options: ModuleOptions) -> RegistrySettings:
    """Credentials and transport settings; a broken registry config raises ModuleError."""
    config = load_docker_config(options.registry_config)
    for secret in reversed(options.pull_secrets):
        config = parse_docker_config(secret, "pull secret").merged_with(config)
    return RegistrySettings(
        docker_config=config,
        insecure_registries=frozenset(_host(h) for h in options.insecure_registries),
        ca_file=options.ca_file,
        timeout=options.timeout,
    )


def check_references(
    refs: Sequence[str],
    options: ModuleOptions,
    plugin_configs: Mapping[str, Mapping[str, Any] | None] | None = None,
    root_ids: Mapping[str, str] | None = None,
) -> dict[str, ModuleReport]:
    """One report per reference. Each distinct image is pulled once, concurrently (its
    manifest asked for every time: a tag may move), its blobs cached on disk by digest; a
    module checked before alike (same bytes, configuration, root id and checker) is not
    checked again (see verdict_cache).

    The smoke test starts each plugin with `plugin_configs[ref]` (the migrated pluginConfig;
    None: the WasmPlugin has none) and root id `root_ids[ref]` (the WasmPlugin pluginName).
    A reference missing from `plugin_configs` is started with no configuration and its
    smoke-test findings are only warnings, since the plugin may need a configuration."""
    settings = registry_settings(options)
    parsed = {ref: _parse(ref) for ref in dict.fromkeys(refs)}
    images = _pull_all(
        {r for r in parsed.values() if isinstance(r, ImageReference)}, settings, options
    )
    verdicts = _verdict_cache(options)
    reports = {}
    for ref, reference in parsed.items():
        if isinstance(reference, ModuleError):
            reports[ref] = _failed(ref, reference)
            continue
        smoke = _SmokeInput.of(ref, plugin_configs, root_ids)
        reports[ref] = _image_report(
            ref, reference, images[reference], options, _Check(smoke, verdicts)
        )
    return reports


def check_file(
    path: Path,
    options: ModuleOptions,
    plugin_config: Mapping[str, Any] | None = None,
    root_id: str = "",
    config_known: bool = True,
) -> ModuleReport:
    """Check a local module file (`FILE.wasm`) the way an image's module is checked."""
    try:
        data = _read_module_file(path)
    except ModuleError as exc:
        return _failed(str(path), exc, Location(str(path)))
    contents = ImageContents(ImageFormat.FILE, data, str(path), None, ())
    check = _Check(_SmokeInput(plugin_config, root_id, config_known), _verdict_cache(options))
    report = _report(str(path), sha256_digest(data), None, contents, options, check)
    located = tuple(dataclasses.replace(f, location=Location(str(path))) for f in report.findings)
    return dataclasses.replace(report, findings=located)


@dataclass(frozen=True)
class _SmokeInput:
    config: Mapping[str, Any] | None
    root_id: str
    known: bool

    @classmethod
    def of(
        cls,
        ref: str,
        configs: Mapping[str, Mapping[str, Any] | None] | None,
        root_ids: Mapping[str, str] | None,
    ) -> _SmokeInput:
        known = configs is not None and ref in configs
        return cls(configs.get(ref) if configs else None, (root_ids or {}).get(ref, ""), known)

    @property
    def configuration(self) -> bytes:
        return plugin_config_bytes(self.config)

    def run(self, wasm: bytes, limits: SmokeLimits, check: WasmCheck) -> tuple[Finding, ...]:
        return smoke_test(wasm, self.configuration, self.root_id, limits, self.known,
                          check.compiled).findings


@dataclass(frozen=True)
class _Check:
    """How to check the module of one reference: started as `smoke` says, verdicts kept."""

    smoke: _SmokeInput
    verdicts: VerdictCache

    def verdict(self, wasm: bytes, options: ModuleOptions) -> Verdict:
        smoke = self.smoke
        key = CheckKey.of(wasm, smoke.configuration, smoke.root_id, smoke.known,
                          options.smoke_test, options.smoke_limits)
        known = self.verdicts.get(key)
        if known is not None:
            return known
        verdict = _checked(wasm, options, smoke)
        self.verdicts.put(key, verdict)
        return verdict


def _checked(wasm: bytes, options: ModuleOptions, smoke: _SmokeInput) -> Verdict:
    limits = options.smoke_limits
    check = check_wasm(wasm, limits.compile)
    findings = check.findings
    if options.smoke_test and check.loadable:
        findings += smoke.run(wasm, limits, check)
    return Verdict(check.abi, findings)


def _verdict_cache(options: ModuleOptions) -> VerdictCache:
    return VerdictCache(verdict_dir(options.cache_dir), enabled=options.use_cache)


def _parse(ref: str) -> ImageReference | ModuleError:
    try:
        return parse_reference(ref)
    except ModuleError as exc:
        return exc


def _pull_all(
    references: set[ImageReference], settings: RegistrySettings, options: ModuleOptions
) -> dict[ImageReference, PulledImage | ModuleError]:
    cache = BlobCache((options.cache_dir or default_cache_dir()) if options.use_cache else None)
    ordered = sorted(references, key=str)
    if not ordered:
        return {}
    workers = max(1, min(options.max_workers, len(ordered)))
    with (
        ConnectionPools(settings.ca_file) as pools,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="module-pull") as pool,
    ):
        results = pool.map(lambda r: _pull_one(r, settings, cache, pools), ordered)
        return dict(zip(ordered, results, strict=True))


def _pull_one(
    reference: ImageReference, settings: RegistrySettings, cache: BlobCache,
    pools: ConnectionPools,
) -> PulledImage | ModuleError:
    try:
        return pull_image(reference, settings, cache, pools)
    except ModuleError as exc:
        return exc
    except Exception as exc:  # a bug must cost one image its report, not the whole run
        log.debug("pulling %s failed", reference, exc_info=True)
        return ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                           f"unexpected {type(exc).__name__} (please report it)")


def _image_report(
    ref: str,
    reference: ImageReference,
    pulled: PulledImage | ModuleError,
    options: ModuleOptions,
    check: _Check,
) -> ModuleReport:
    mutable = _mutable_tag_findings(reference)
    if isinstance(pulled, ModuleError):
        failed = _failed(ref, pulled)
        return dataclasses.replace(failed, findings=(*failed.findings, *_prefixed(ref, mutable)))
    report = _report(
        ref, pulled.manifest.digest, pulled.manifest.index_digest, pulled.contents, options, check
    )
    return dataclasses.replace(report, findings=_prefixed(ref, (*report.findings, *mutable)))


def _report(
    ref: str,
    digest: str | None,
    index_digest: str | None,
    contents: ImageContents,
    options: ModuleOptions,
    check: _Check,
) -> ModuleReport:
    verdict = check.verdict(contents.wasm, options) if contents.wasm is not None else None
    findings = (*contents.findings, *(verdict.findings if verdict else ()))
    maistra = contents.maistra
    return ModuleReport(
        reference=ref,
        digest=digest,
        format=contents.format.value if contents.format else None,
        abi=verdict.abi if verdict else None,
        manifest_phase=maistra.phase if maistra else None,
        manifest_priority=maistra.priority if maistra else None,
        findings=findings,
        index_digest=index_digest,
        wasm=contents.wasm,
    )


def _mutable_tag_findings(reference: ImageReference) -> tuple[Finding, ...]:
    if not reference.is_mutable:
        return ()
    tag = reference.tag or "latest (implicit)"
    message = f"the image is referenced by the mutable tag {tag}; pin it by digest"
    return (rules.finding(RuleId.MUTABLE_TAG, message),)


def _failed(ref: str, error: ModuleError, location: Location | None = None) -> ModuleReport:
    message = error.message if location else f"{ref}: {error.message}"
    finding = rules.finding(error.rule_id, message, location=location)
    return ModuleReport(ref, None, None, None, None, None, (finding,))


def _prefixed(ref: str, findings: Sequence[Finding]) -> tuple[Finding, ...]:
    return tuple(dataclasses.replace(f, message=f"{ref}: {f.message}") for f in findings)


def _read_module_file(path: Path) -> bytes:
    return read_capped(path, "module file", media.MAX_MODULE_BYTES,
                       too_large=RuleId.SIZE_LIMIT_EXCEEDED)


def _host(entry: str) -> str:
    return entry.split("://", 1)[-1].rstrip("/")


__all__ = [
    "DockerConfig",
    "ModuleOptions",
    "ModuleReport",
    "SmokeLimits",
    "WasmCheck",
    "check_file",
    "check_references",
    "registry_settings",
]
