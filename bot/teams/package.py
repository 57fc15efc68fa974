"""`make teams-package`: build the Teams app package (build/fika-teams.zip) and check it.

    python -m bot.teams.package                 # from TEAMS_* in .env / the environment
    python -m bot.teams.package --placeholders  # example ids: to look at, not to upload
    python -m bot.teams.package --check FILE.zip

The package is manifest.json (English, en-US), sv.json and fi.json, color.png (192×192) and
outline.png (32×32) at the zip's root. It is checked against the vendored schemas before it is
written (bot/teams/validation.py); a problem is printed, nothing is written and the exit status
is 1. Missing or wrong settings: status 2. The zip is the same byte for byte for the same
settings, so a rebuilt package shows as unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.platform.i18n import translator
from bot.teams.icons import color_icon, outline_icon
from bot.teams.manifest import (
    COLOR_ICON,
    LANGUAGES,
    OUTLINE_ICON,
    TeamsSettings,
    TeamsSettingsError,
    build_localization,
    build_manifest,
    load_teams_settings,
)
from bot.teams.validation import (
    DEFAULT_SCHEMA_DIR,
    MANIFEST,
    SchemaError,
    load_schemas,
    validate_files,
    validate_zip,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "build" / "fika-teams.zip"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same settings give the same bytes


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def read_environment(dotenv_path: Path | None) -> dict[str, str]:
    """os.environ over `.env`, as bot.platform.config reads its settings."""
    env: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        from dotenv import dotenv_values

        env.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    env.update(os.environ)
    return env


def _json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def package_files(settings: TeamsSettings) -> dict[str, bytes]:
    """{name at the zip's root: bytes}, in the order they are zipped."""
    files = {
        MANIFEST: _json(build_manifest(settings, translator("en"))),
        COLOR_ICON: color_icon(),
        OUTLINE_ICON: outline_icon(),
    }
    for locale, file in LANGUAGES.items():
        files[file] = _json(build_localization(settings, translator(locale)))
    return files


def write_zip(files: Mapping[str, bytes], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    partial.replace(path)


def _report(problems: Sequence[str], what: str, err: TextIO) -> None:
    print(f"{what} is not a valid Teams app package:", file=err)
    for problem in problems:
        print(f"  {problem}", file=err)


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m bot.teams.package", description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the zip to write")
    parser.add_argument(
        "--schemas",
        type=Path,
        default=None,
        help=f"the folder of the Teams schemas (default: TEAMS_SCHEMA_DIR or {DEFAULT_SCHEMA_DIR})",
    )
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env", help="default: .env")
    parser.add_argument(
        "--placeholders",
        action="store_true",
        help="fill missing TEAMS_* settings with example values (a package to look at only)",
    )
    parser.add_argument("--check", type=Path, metavar="ZIP", help="only check an existing package")
    args = parser.parse_args(argv)

    env = dict(environ) if environ is not None else read_environment(args.env_file)
    schema_dir = args.schemas or Path(env.get("TEAMS_SCHEMA_DIR") or DEFAULT_SCHEMA_DIR)
    try:
        schemas = load_schemas(schema_dir)
    except SchemaError as exc:
        print(f"Cannot check the Teams package: {exc}", file=err)
        return 2
    if args.check is not None:
        try:
            data = args.check.read_bytes()
        except OSError as exc:
            print(f"Cannot read {args.check}: {exc.strerror}", file=err)
            return 2
        problems = validate_zip(data, schemas)
        if problems:
            _report(problems, str(args.check), err)
            return 1
        print(f"{args.check} is a valid Teams app package.", file=out)
        return 0

    try:
        settings = load_teams_settings(
            env, default_version=project_version(), placeholders=args.placeholders
        )
    except TeamsSettingsError as exc:
        print("The Teams settings in .env need attention (docs/deploy-teams.md):", file=err)
        for line in exc.problems:
            print(line, file=err)
        return 2

    files = package_files(settings)
    problems = validate_files(files, schemas)
    if problems:
        _report(problems, "The built package", err)
        return 1
    write_zip(files, args.output)
    print(f"Wrote {args.output} ({', '.join(files)}), version {settings.version}.", file=out)
    if args.placeholders:
        print(
            "  It has example ids (--placeholders): fine to look at, not to upload to Teams.",
            file=out,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
