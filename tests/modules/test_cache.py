from pathlib import Path

from migrate.modules.cache import BlobCache
from migrate.modules.digests import sha256_digest


def test_a_stored_blob_comes_back_by_its_digest(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    cache.put(sha256_digest(b"layer"), b"layer")
    assert cache.get(sha256_digest(b"layer")) == b"layer"
    assert cache.get(sha256_digest(b"other")) is None


def test_a_tampered_entry_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    digest = sha256_digest(b"layer")
    cache.put(digest, b"layer")
    entry = tmp_path / "sha256" / digest.split(":")[1]
    entry.write_bytes(b"evil!")
    assert cache.get(digest) is None
    assert not entry.exists()


def test_an_unwritable_cache_is_skipped_silently(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = BlobCache(blocker / "cache")
    cache.put(sha256_digest(b"x"), b"x")
    assert cache.get(sha256_digest(b"x")) is None
    assert list(tmp_path.iterdir()) == [blocker]
