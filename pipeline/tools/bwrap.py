"""bubblewrap: run a program with only the system's files (read-only) and
one work folder (writable) visible, without network or other processes."""
from __future__ import annotations

from pathlib import Path

INSIDE = "/work"
_READ_ONLY = ("/usr", "/etc/fonts", "/etc/texmf", "/var/lib/texmf", "/var/cache/fontconfig")


def sandboxed(argv: list[str], work: Path) -> list[str]:
    """argv wrapped so that it runs in work (seen as /work) and sees nothing
    else but the system's files, read-only."""
    binds = []
    for path in _READ_ONLY:
        if Path(path).exists():
            binds += ["--ro-bind", path, path]
    return ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", *binds,
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev",
            "--tmpfs", "/tmp", "--bind", str(work), INSIDE, "--chdir", INSIDE,
            "--setenv", "HOME", "/tmp", *argv]
