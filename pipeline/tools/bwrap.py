"""bubblewrap: run a program with only the system's files (read-only) and
one work folder (writable, seen as /work) visible: no network, no other
processes, no /proc (so no environment or mount table of anyone to read)."""
from __future__ import annotations

import shutil
from pathlib import Path

INSIDE = "/work"
PATH = "/usr/bin:/bin"
_READ_ONLY = ("/usr", "/etc/fonts", "/etc/texmf", "/var/lib/texmf", "/var/cache/fontconfig")


def available() -> bool:
    return shutil.which("bwrap", path=PATH) is not None


def sandboxed(argv: list[str], work: Path, read_only: dict[str, Path] | None = None) -> list[str]:
    """argv wrapped so that it runs in work (seen as /work) and sees nothing
    else but the system's files and read_only ({inside: outside}), read-only."""
    binds = []
    for path in _READ_ONLY:
        if Path(path).exists():
            binds += ["--ro-bind", path, path]
    for inside, outside in (read_only or {}).items():
        binds += ["--ro-bind", str(outside), inside]
    return ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", *binds,
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64", "--dev", "/dev",
            "--tmpfs", "/tmp", "--bind", str(work), INSIDE, "--chdir", INSIDE, *argv]
