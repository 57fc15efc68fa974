"""make teams-package: the Teams app package Teams would accept, and the check that refuses others.

The package is checked here with jsonschema directly against the vendored schemas
(../shared/teams-data/), and its icons with a PNG reader of this file's own, so a mistake in
bot/teams/validation.py or bot/teams/icons.py cannot hide one in the package.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped]
from referencing import Registry

from bot.coffee.commands import FIKA
from bot.platform.commands import Subcommand
from bot.teams import manifest as teams_manifest
from bot.teams.package import main, package_files
from bot.teams.validation import DEFAULT_SCHEMA_DIR, Schemas, load_schemas, validate_files
from bot.tips.commands import TIPS

BOT_ID = "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"
APP_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
SETTINGS = {
    "TEAMS_BOT_ID": BOT_ID,
    "TEAMS_APP_ID": APP_ID,
    "TEAMS_PUBLIC_HOST": "fika.borga.example",
    "TEAMS_WEBSITE_URL": "https://intra.borga.example/fika",
    "TEAMS_PRIVACY_URL": "https://intra.borga.example/fika/privacy",
    "TEAMS_DEVELOPER_NAME": "Borgå stadsbibliotek",
}
ROOT_FILES = {"manifest.json", "color.png", "outline.png", "sv.json", "fi.json"}


def _schema(name: str) -> Any:
    path = DEFAULT_SCHEMA_DIR / name
    assert path.is_file(), f"the vendored Teams schemas belong in {DEFAULT_SCHEMA_DIR}"
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8")), registry=Registry())


MANIFEST_SCHEMA = _schema("teams-manifest-1.29.schema.json")
LOCALIZATION_SCHEMA = _schema("teams-localization.schema.json")


def _errors(validator: Any, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The zip `make teams-package` writes, as {name: bytes}."""
    output = tmp_path_factory.mktemp("teams") / "fika-teams.zip"
    out, err = io.StringIO(), io.StringIO()
    status = main(["--output", str(output)], environ=SETTINGS, out=out, err=err)
    assert (status, err.getvalue()) == (0, "")
    assert str(output) in out.getvalue()
    with zipfile.ZipFile(output) as archive:
        assert all(not info.is_dir() for info in archive.infolist())
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return load_schemas()


def _json(package: dict[str, bytes], name: str) -> Any:
    return json.loads(package[name].decode("utf-8"))


# ----------------------------------------------------------------------------- the package


def test_the_zip_holds_exactly_the_files_teams_expects_at_its_root(
    package: dict[str, bytes],
) -> None:
    assert set(package) == ROOT_FILES
    manifest = _json(package, "manifest.json")
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    languages = manifest["localizationInfo"]["additionalLanguages"]
    assert {(lang["languageTag"], lang["file"]) for lang in languages} == {
        ("sv", "sv.json"),
        ("fi", "fi.json"),
    }
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "en-US"


def test_manifest_and_both_localization_files_pass_the_schemas(
    package: dict[str, bytes],
) -> None:
    manifest = _json(package, "manifest.json")
    assert manifest["manifestVersion"] == "1.29"
    assert _errors(MANIFEST_SCHEMA, manifest) == []
    for name in ("sv.json", "fi.json"):
        assert _errors(LOCALIZATION_SCHEMA, _json(package, name)) == [], name


def test_the_manifest_declares_what_the_teams_surface_will_serve(
    package: dict[str, bytes],
) -> None:
    manifest = _json(package, "manifest.json")
    assert manifest["id"] == APP_ID
    assert manifest["developer"]["name"] == "Borgå stadsbibliotek"
    assert manifest["developer"]["privacyUrl"] == "https://intra.borga.example/fika/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://intra.borga.example/fika"
    (bot,) = manifest["bots"]
    assert bot["botId"] == BOT_ID
    assert set(bot["scopes"]) == {"personal", "team"}
    assert [lst["scopes"] for lst in bot["commandLists"]] == [["personal"], ["team"]]
    (extension,) = manifest["composeExtensions"]
    assert extension["botId"] == BOT_ID
    (action,) = extension["commands"]
    assert action["title"] == "Share as good practice"
    assert (action["type"], action["context"], action["fetchTask"]) == ("action", ["message"], True)
    assert action["id"] == "share_as_good_practice"  # the Slack shortcut's callback_id too
    assert manifest["validDomains"] == ["fika.borga.example"]
    assert manifest["webApplicationInfo"]["id"] == BOT_ID


def test_the_app_id_defaults_to_the_bot_id(tmp_path: Path) -> None:
    settings = {k: v for k, v in SETTINGS.items() if k != "TEAMS_APP_ID"}
    output = tmp_path / "p.zip"
    assert main(["--output", str(output)], environ=settings, out=io.StringIO()) == 0
    with zipfile.ZipFile(output) as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == BOT_ID


def test_the_same_settings_give_the_same_bytes(tmp_path: Path, package: dict[str, bytes]) -> None:
    output = tmp_path / "again.zip"
    assert main(["--output", str(output)], environ=SETTINGS, out=io.StringIO()) == 0
    with zipfile.ZipFile(output) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == package


# ----------------------------------------------------------------------------- commands


def _subcommand(word: str) -> Subcommand:
    """The one subcommand of /fika or /tips a word means (help is the same in both)."""
    found = [sub for cs in (FIKA, TIPS) if (sub := cs.find(word)) is not None]
    assert found and all(sub is found[0] for sub in found), f"{word!r} means {len(found)} things"
    return found[0]


def test_every_command_title_has_a_swedish_and_a_finnish_translation_with_slacks_words(
    package: dict[str, bytes],
) -> None:
    manifest = _json(package, "manifest.json")
    for locale in ("sv", "fi"):
        texts = _json(package, f"{locale}.json")
        for c, listed in enumerate(manifest["bots"][0]["commandLists"]):
            for i, command in enumerate(listed["commands"]):
                key = f"bots[0].commandLists[{c}].commands[{i}]"
                title, description = texts.get(f"{key}.title"), texts.get(f"{key}.description")
                assert title and description, f"{locale}: {key} is not translated"
                # The word is the one /fika or /tips understands for the same subcommand.
                sub = _subcommand(command["title"])
                assert _subcommand(title) is sub, (locale, title)
                assert title == sub.word_for(locale)
        assert texts["composeExtensions[0].commands[0].title"] != "Share as good practice"
        assert texts["description.short"] != manifest["description"]["short"]
    sv, fi = _json(package, "sv.json"), _json(package, "fi.json")
    assert sv["bots[0].commandLists[0].commands[3].title"] == "paus"
    assert fi["bots[0].commandLists[0].commands[3].title"] == "tauko"
    assert sv["composeExtensions[0].commands[0].title"] == "Dela som gott exempel"
    assert fi["composeExtensions[0].commands[0].title"] == "Jaa hyvänä käytäntönä"


def test_no_command_list_passes_ten_commands_and_no_title_repeats_in_any_language(
    package: dict[str, bytes],
) -> None:
    manifest = _json(package, "manifest.json")
    lists = manifest["bots"][0]["commandLists"]
    assert [len(lst["commands"]) for lst in lists] == [10, 10]
    for locale in ("en", "sv", "fi"):
        texts = {} if locale == "en" else _json(package, f"{locale}.json")
        for c, listed in enumerate(lists):
            titles = [
                texts.get(f"bots[0].commandLists[{c}].commands[{i}].title", cmd["title"])
                for i, cmd in enumerate(listed["commands"])
            ]
            assert len(set(titles)) == len(titles), (locale, titles)


# ----------------------------------------------------------------------------- icons


def _png(data: bytes) -> tuple[int, int, int, list[list[tuple[int, ...]]]]:
    """(width, height, colour type, rows of pixels) of an 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and ctype in (2, 6)
    n = 4 if ctype == 6 else 3
    raw, stride, prev = zlib.decompress(idat), width * n, bytes(width * n)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        f, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a, b, c = (line[i - n] if i >= n else 0), prev[i], (prev[i - n] if i >= n else 0)
            p = a + b - c
            paeth = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth)[f]) & 0xFF
        prev = bytes(line)
        rows.append([tuple(line[i : i + n]) for i in range(0, stride, n)])
    return width, height, ctype, rows


def test_the_colour_icon_is_192_pixels_square_and_opaque(package: dict[str, bytes]) -> None:
    width, height, ctype, rows = _png(package["color.png"])
    assert (width, height) == (192, 192)
    assert ctype == 2 or all(p[3] == 255 for row in rows for p in row)
    assert len({p[:3] for row in rows for p in row}) > 2  # a picture, not a plain square


def test_the_outline_icon_is_32_pixels_white_on_transparent(package: dict[str, bytes]) -> None:
    width, height, ctype, rows = _png(package["outline.png"])
    assert (width, height, ctype) == (32, 32, 6)
    pixels = [p for row in rows for p in row]
    assert all(rows[y][x][3] == 0 for y in (0, 31) for x in (0, 31))  # the corners
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3])
    assert 0.1 < sum(p[3] == 255 for p in pixels) / len(pixels) < 0.6


# ----------------------------------------------------------------------------- the check


def _with_manifest(package: dict[str, bytes], change: Any) -> dict[str, bytes]:
    manifest = _json(package, "manifest.json")
    change(manifest)
    return {**package, "manifest.json": json.dumps(manifest).encode()}


def test_the_built_package_passes_the_check(package: dict[str, bytes], schemas: Schemas) -> None:
    assert validate_files(package, schemas) == []


def test_eleven_commands_in_a_list_are_refused(package: dict[str, bytes], schemas: Schemas) -> None:
    def eleven(manifest: dict[str, Any]) -> None:
        commands = manifest["bots"][0]["commandLists"][0]["commands"]
        commands.append({"title": "latest", "description": "The latest approved tips."})

    planted = _with_manifest(package, eleven)
    assert _errors(MANIFEST_SCHEMA, _json(planted, "manifest.json")) == []  # the schema takes 12
    problems = validate_files(planted, schemas)
    assert problems[0] == (
        "manifest.json: bots[0].commandLists[0]: 11 commands; Teams allows at most 10 per "
        "command list."
    )
    assert problems[1:] == [
        f"{lang}.json: bots[0].commandLists[0].commands[10].{text} is not translated."
        for lang in ("sv", "fi")
        for text in ("description", "title")
    ]


def test_a_manifest_without_its_id_is_refused_with_a_clear_message(
    tmp_path: Path, package: dict[str, bytes]
) -> None:
    planted = _with_manifest(package, lambda m: m.pop("id"))
    path = tmp_path / "planted.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in planted.items():
            archive.writestr(name, data)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--check", str(path)], environ={}, out=out, err=err) == 1
    assert f"{path} is not a valid Teams app package:" in err.getvalue()
    assert "manifest.json: (the whole file): 'id' is a required property" in err.getvalue()
    assert out.getvalue() == ""


def test_the_check_says_ok_for_the_built_zip(tmp_path: Path, package: dict[str, bytes]) -> None:
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in package.items():
            archive.writestr(name, data)
    out = io.StringIO()
    assert main(["--check", str(path)], environ={}, out=out) == 0
    assert "is a valid Teams app package" in out.getvalue()


def test_files_inside_a_folder_or_left_over_are_refused(
    tmp_path: Path, package: dict[str, bytes]
) -> None:
    path = tmp_path / "folder.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in package.items():
            archive.writestr(f"fika/{name}", data)
    err = io.StringIO()
    assert main(["--check", str(path)], environ={}, out=io.StringIO(), err=err) == 1
    assert "fika/manifest.json: inside a folder" in err.getvalue()

    extra = {**package, "notes.txt": b"hello"}
    schemas = load_schemas()
    assert validate_files(extra, schemas) == ["files that manifest.json does not name: notes.txt."]
    missing = {k: v for k, v in package.items() if k != "fi.json"}
    assert validate_files(missing, schemas) == [
        "manifest.json names fi.json, which is not at the root of the package."
    ]


def test_icons_of_the_wrong_size_or_colour_are_refused(
    package: dict[str, bytes], schemas: Schemas
) -> None:
    from bot.teams.icons import encode_png

    wrong = {
        **package,
        "color.png": package["outline.png"],  # 32×32
        "outline.png": encode_png([[(200, 30, 30, 255 if x > 3 else 0) for x in range(32)]] * 32),
    }
    assert validate_files(wrong, schemas) == [
        "color.png: 32×32 pixels; Teams wants 192×192.",
        "outline.png: the outline icon may only be white (and transparent).",
    ]
    assert validate_files({**package, "color.png": b"GIF89a"}, schemas) == [
        "color.png: not a PNG file."
    ]


def test_a_localization_file_must_translate_every_text_within_teams_limits(
    package: dict[str, bytes], schemas: Schemas
) -> None:
    sv = _json(package, "sv.json")
    sv.pop("bots[0].commandLists[1].commands[4].title")
    sv["composeExtensions[0].commands[0].title"] = "Dela det här meddelandet som ett gott exempel"
    sv["bots[0].commandLists[0].commands[11].title"] = "senaste"
    planted = {**package, "sv.json": json.dumps(sv, ensure_ascii=False).encode()}
    problems = validate_files(planted, schemas)
    assert problems == [
        "sv.json: composeExtensions[0].commands[0].title: 'Dela det här meddelandet som ett gott "
        "exempel' is too long",
        "sv.json: bots[0].commandLists[1].commands[4].title is not translated.",
        "sv.json: bots[0].commandLists[0].commands[11].title names no text of manifest.json.",
    ]


def test_a_title_twice_in_one_language_is_refused(
    package: dict[str, bytes], schemas: Schemas
) -> None:
    fi = _json(package, "fi.json")
    fi["bots[0].commandLists[1].commands[2].title"] = fi[
        "bots[0].commandLists[1].commands[8].title"
    ]
    planted = {**package, "fi.json": json.dumps(fi, ensure_ascii=False).encode()}
    assert validate_files(planted, schemas) == [
        "fi.json: bots[0].commandLists[1]: the title(s) poistu appear twice."
    ]


def test_the_check_runs_offline(monkeypatch: pytest.MonkeyPatch, package: dict[str, bytes]) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Teams check tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    assert validate_files(package, load_schemas()) == []


# ----------------------------------------------------------------------------- settings


def test_missing_settings_stop_the_build_with_what_to_fill_in(tmp_path: Path) -> None:
    output = tmp_path / "never.zip"
    err = io.StringIO()
    assert main(["--output", str(output)], environ={}, out=io.StringIO(), err=err) == 2
    text = err.getvalue()
    assert "TEAMS_BOT_ID is missing" in text and "Application (client) ID" in text
    assert "TEAMS_PUBLIC_HOST is missing" in text
    assert "TEAMS_WEBSITE_URL is missing" in text
    assert not output.exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TEAMS_BOT_ID", "fika-bot", "TEAMS_BOT_ID must be a GUID"),
        ("TEAMS_APP_ID", "12345", "TEAMS_APP_ID must be a GUID"),
        ("TEAMS_PUBLIC_HOST", "https://fika.example.org/api/messages", "a host name alone"),
        ("TEAMS_WEBSITE_URL", "http://intra.example/fika", "TEAMS_WEBSITE_URL must be an https"),
        ("TEAMS_APP_VERSION", "1.0", "TEAMS_APP_VERSION must be three numbers"),
        ("TEAMS_DEVELOPER_NAME", "x" * 33, "at most 32 characters"),
    ],
)
def test_a_wrong_setting_is_named(name: str, value: str, message: str) -> None:
    err = io.StringIO()
    environ = {**SETTINGS, name: value}
    assert main(["--output", "/nonexistent/x.zip"], environ=environ, err=err) == 2
    assert message in err.getvalue()


def test_placeholders_build_a_valid_package_to_look_at(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["--placeholders", "--output", str(tmp_path / "p.zip")], environ={}, out=out) == 0
    assert "not to upload" in out.getvalue()
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == teams_manifest.PLACEHOLDER_ID


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "teams-data"


#: Vendored beside the shared files: the Adaptive Cards schema the shared README names but does
#: not hold (microsoft/AdaptiveCards, MIT), and our README that also describes it.
OWN_FILES = {"adaptive-card-1.5.json", "LICENSE-adaptivecards"}


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/teams-data is not beside this clone")
def test_the_vendored_schemas_are_the_shared_ones() -> None:
    names = sorted(p.name for p in SHARED.iterdir() if p.is_file())
    vendored = {p.name for p in DEFAULT_SCHEMA_DIR.iterdir() if p.is_file()}
    assert sorted(vendored - OWN_FILES) == names
    for name in names:
        if name == "README.md":  # ours is the shared one with the Adaptive Cards rows added
            shared_lines = (SHARED / name).read_text().splitlines()
            ours = (DEFAULT_SCHEMA_DIR / name).read_text()
            assert all(line.rstrip() in ours for line in shared_lines[:6]), name
            continue
        assert (DEFAULT_SCHEMA_DIR / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_a_missing_schema_folder_is_a_clear_error(tmp_path: Path) -> None:
    err = io.StringIO()
    status = main(["--schemas", str(tmp_path / "none")], environ=SETTINGS, err=err)
    assert status == 2
    assert "teams-manifest-1.29.schema.json is missing" in err.getvalue()
    assert "shared/teams-data/" in err.getvalue()


def test_package_files_are_the_ones_the_build_zips(package: dict[str, bytes]) -> None:
    settings = teams_manifest.load_teams_settings(SETTINGS, default_version="0.1.0")
    assert package_files(settings) == package
