"""The lock files pin every dependency pyproject.toml asks for, within its ranges, with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _locked(name: str) -> dict[str, list[tuple[str, Marker | None]]]:
    """name → [(version, marker)] from a pip-compile/uv style requirements file."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins: dict[str, list[tuple[str, Marker | None]]] = {}
    for entry in re.split(r"\n(?=\S)", text):
        head = entry.split("\\")[0].strip()
        if not head or head.startswith("#"):
            continue
        assert "--hash=sha256:" in entry, f"{head}: no hash"
        req = Requirement(head)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{head}: not pinned exactly"
        pins.setdefault(canonicalize_name(req.name), []).append((spec.version, req.marker))
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = list(project["dependencies"])
    if extra:
        deps += project["optional-dependencies"][extra]
    return [Requirement(d) for d in deps]


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("dev.txt", "dev")])
def test_every_declared_dependency_is_locked_within_its_range(lock: str, extra: str | None) -> None:
    pins = _locked(lock)
    for req in _declared(extra):
        versions = pins.get(canonicalize_name(req.name))
        assert versions, f"{req.name} is in pyproject.toml but not in requirements/{lock}"
        for version, _marker in versions:
            assert req.specifier.contains(version, prereleases=True), (
                f"{req.name}=={version} in requirements/{lock} is outside {req.specifier}; "
                "run make lock"
            )


def test_run_and_dev_locks_agree_and_build_tools_are_locked() -> None:
    run, dev = _locked("run.txt"), _locked("dev.txt")
    for name, versions in run.items():
        assert dev.get(name) == versions, f"{name}: run.txt and dev.txt pin different versions"
    # The install is --no-build-isolation: what builds Fika and what installs it are locked too.
    assert {"pip", "setuptools"} <= run.keys()
    # Extras resolve to real packages: sqlalchemy[asyncio] → greenlet, psycopg[binary].
    assert {"greenlet", "psycopg-binary"} <= run.keys()
