"""hatchling's build hook (pyproject.toml): compiles each catalogue's .po into the .mo the wheel
carries. The .mo files are git-ignored (README: Languages), and hatchling leaves out what git
ignores unless it is named an artifact, as they are in pyproject.toml. Not part of the app: the
wheel leaves this file out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

HERE = Path(__file__).resolve().parent


def compile_catalogues(folder: Path = HERE) -> list[Path]:
    """Every <language>/LC_MESSAGES/messages.po under `folder` compiled beside itself."""
    made = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalogue)
        made.append(mo)
    return made


def stale_catalogues(folder: Path = HERE) -> list[Path]:
    """The .po files whose .mo is missing or older."""
    return [
        po
        for po in sorted(folder.glob("*/LC_MESSAGES/messages.po"))
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        compile_catalogues()
