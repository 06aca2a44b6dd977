"""The child process of migrate.modules.compiler: wasm on stdin, the compiled module on
stdout; argv[1] is the address space (bytes) compiling may add to what the child maps."""

from __future__ import annotations

import sys

import wasmtime

from migrate.modules.compiler import EXIT_INVALID, EXIT_MEMORY, engine

_MEMORY_WORDS = ("allocat", "mmap", "out of memory")


def _mapped_bytes() -> int:
    """VmSize of this process (Linux); 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_address_space(extra: int) -> None:
    mapped = _mapped_bytes()
    if mapped:  # Linux: /proc and the resource module are there
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mapped + extra, mapped + extra))


def main(argv: list[str]) -> int:
    wasm = sys.stdin.buffer.read()
    target = engine()
    _limit_address_space(int(argv[1]))
    try:
        artefact = wasmtime.Module(target, wasm).serialize()
    except MemoryError:
        return EXIT_MEMORY
    except wasmtime.WasmtimeError as exc:
        text = str(exc)
        sys.stderr.write(text)
        return EXIT_MEMORY if any(w in text.lower() for w in _MEMORY_WORDS) else EXIT_INVALID
    sys.stdout.buffer.write(artefact)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
