import gzip
import tarfile
import time

import pytest

from migrate.modules.errors import ModuleError
from migrate.modules.media import MAX_MODULE_BYTES, MIB
from migrate.modules.safetar import read_gzip_tar
from tests.modules.builders import gzip_tar, gzip_tar_entries, symlink, tar_of


def test_regular_files_come_back_with_normalised_paths_in_archive_order() -> None:
    listing = read_gzip_tar(gzip_tar([("./plugin.wasm", b"a"), ("dir/x", b"bc")]), MIB)
    assert [(f.path, f.data) for f in listing.files] == [("plugin.wasm", b"a"), ("dir/x", b"bc")]
    assert listing.refused == ()


@pytest.mark.parametrize("name", ["../plugin.wasm", "/etc/passwd", "a/../../escape"])
def test_entries_escaping_the_root_are_refused_not_read(name: str) -> None:
    listing = read_gzip_tar(gzip_tar([(name, b"evil"), ("plugin.wasm", b"good")]), MIB)
    assert [f.path for f in listing.files] == ["plugin.wasm"]
    assert [(r.name, r.reason) for r in listing.refused] == [
        (name, "points outside the image root")
    ]


def test_links_are_listed_as_refused_and_never_followed() -> None:
    blob = gzip_tar_entries([symlink("plugin.wasm", "/etc/passwd")])
    listing = read_gzip_tar(blob, MIB)
    assert listing.files == ()
    assert "link to '/etc/passwd'" in listing.refused[0].reason


def test_a_gzip_bomb_stops_at_the_limit_without_inflating_it_all() -> None:
    # 64 files of 1 MiB of zeros: 64 MiB inflated from about 64 KiB
    bomb = gzip_tar([(f"f{i}", bytes(MIB)) for i in range(64)])
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(ModuleError) as raised:
        read_gzip_tar(bomb, limit=4 * MIB)
    assert raised.value.rule_id == "MOD005"
    assert time.monotonic() - started < 1.0


def test_an_entry_claiming_more_than_256_mib_is_refused_from_its_header() -> None:
    info = tarfile.TarInfo("plugin.wasm")
    info.size = MAX_MODULE_BYTES + 1
    header = info.tobuf(format=tarfile.GNU_FORMAT)  # the content is never there: never read
    with pytest.raises(ModuleError) as raised:
        read_gzip_tar(gzip.compress(header), MAX_MODULE_BYTES)
    assert raised.value.rule_id == "MOD005"
    assert "plugin.wasm" in raised.value.message


@pytest.mark.parametrize(
    "blob",
    [
        b"\0asm\1\0\0\0",
        gzip.compress(b"just text, not a tar" * 40, mtime=0),
        gzip.compress(tar_of([]), mtime=0)[:20],
    ],
    # Explicit ids: every pytest-xdist worker must collect the same names.
    ids=["raw-wasm", "gzip-of-text", "truncated-gzip"],
)
def test_something_that_is_not_a_gzip_tar_is_a_clear_error(blob: bytes) -> None:
    with pytest.raises(ModuleError) as raised:
        read_gzip_tar(blob, MIB)
    assert raised.value.rule_id == "MOD007"
