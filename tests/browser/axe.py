"""axe-core for the accessibility checks, fetched once from the npm registry and cached.

A pinned version, unpacked from ``npm pack`` into a cache directory outside the repository and
checked against its SHA-256, so a fresh CI machine gets exactly the file these tests were
written against (and a machine without npm or network skips the accessibility check with a
reason instead of failing somewhere else).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "4.10.3"
SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
CACHE = Path(os.environ.get("TRANSFERS_AXE_CACHE", Path.home() / ".cache" / "transfers-tests"))


def _ok(path: Path) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == SHA256


def axe_script() -> str | None:
    """The text of ``axe.min.js``, or None when it cannot be had (no npm, no network)."""
    target = CACHE / f"axe-core-{VERSION}" / "axe.min.js"
    if _ok(target):
        return target.read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(
                [npm, "pack", f"axe-core@{VERSION}", "--pack-destination", tmp, "--silent"],
                check=True,
                capture_output=True,
                timeout=180,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        packed = next(Path(tmp).glob("axe-core-*.tgz"), None)
        if packed is None:
            return None
        with tarfile.open(packed) as archive:
            member = archive.extractfile("package/axe.min.js")
            if member is None:
                return None
            data = member.read()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise RuntimeError(f"axe-core {VERSION} from npm does not match its pinned SHA-256")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return data.decode("utf-8")
