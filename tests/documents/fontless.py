"""A machine without the CJK font, made real for a child process.

fontconfig reads FONTCONFIG_FILE; a fonts.conf naming only some font folders is what a
server without the other font packages sees. Nothing of ours is replaced: the child process runs
the real code against the real (smaller) set of fonts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from forum import ROOT

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  {dirs}
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def environment_with_fonts_of(folders: list[Path], scratch: Path) -> dict[str, str]:
    """This process's environment, with fontconfig limited to the fonts in `folders`."""
    conf = scratch / "fonts.conf"
    dirs = "\n  ".join(f"<dir>{folder}</dir>" for folder in folders)
    conf.write_text(FONTS_CONF.format(dirs=dirs, cache=scratch / "cache"))
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def run_python(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter of this venv, from the project folder."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
