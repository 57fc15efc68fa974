"""Check a Teams app package as Teams would, offline, against Microsoft's schemas.

The schemas are vendored in `bot/teams/schemas/`: byte-for-byte copies of `../shared/teams-data/`
(Microsoft's, MIT; see the README there), so a fresh clone checks a package without the folder
beside it (tests/teams/test_package.py compares the copies when that folder is there):
`teams-manifest-1.29.schema.json` and `teams-localization.schema.json`. They declare
draft-04 but use `const`, so they are read with draft-07 rules (`Draft7Validator`), and with an
empty reference registry: every `$ref` is inside the file, and nothing is ever fetched.

On top of the schemas, the rules Teams applies when a package is uploaded: exactly the files
the manifest names at the zip's root, the icons' sizes (outline: white on transparent), at most
10 commands per command list, and localization files that translate every text of the manifest
and nothing else — checked also by putting each language's texts into the manifest and
validating that, so a Swedish title longer than Teams allows is caught too.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.teams.icons import COLOR_SIZE, OUTLINE_SIZE, PngError, read_png
from bot.teams.ids import MESSAGE_EXTENSION
from bot.teams.manifest import MAX_COMMANDS, flatten

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "teams-manifest-1.29.schema.json"
LOCALIZATION_SCHEMA = "teams-localization.schema.json"
#: The vendored schemas (override: TEAMS_SCHEMA_DIR, --schemas).
DEFAULT_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_MESSAGE_LIMIT = 160


class SchemaError(Exception):
    """The schemas cannot be read (a missing folder or file, or not JSON)."""


@dataclass(frozen=True)
class Schemas:
    manifest: Any  # a jsonschema.Draft7Validator
    localization: Any
    localizable: tuple[re.Pattern[str], ...]  # the manifest paths a localization file may set


def load_schemas(directory: Path = DEFAULT_SCHEMA_DIR) -> Schemas:
    """Validators for the manifest and the localization files, built offline (once per folder
    and process: the files are Microsoft's, read-only)."""
    return _load_schemas(directory.resolve())


@cache
def _load_schemas(directory: Path) -> Schemas:
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]  # dev dependency
    from referencing import Registry

    def read(name: str) -> Any:
        path = directory / name
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SchemaError(
                f"{path} is missing: the Teams schemas are read from bot/teams/schemas/ "
                "(copies of shared/teams-data/), or the folder TEAMS_SCHEMA_DIR names."
            ) from None
        except (OSError, ValueError) as exc:
            raise SchemaError(f"{path} cannot be read as JSON: {exc}") from None
        # The meta-schema's check without its "regex" format: Microsoft's patterns are
        # JavaScript's (\p{L}), which Python's re does not read (nor needs: Fika uses none).
        meta = Draft7Validator(Draft7Validator.META_SCHEMA, registry=Registry())
        wrong = next(iter(meta.iter_errors(schema)), None)
        if wrong is not None:
            raise SchemaError(f"{path} is not a JSON schema: {_short(wrong.message)}")
        return Draft7Validator(schema, registry=Registry())

    manifest, localization = read(MANIFEST_SCHEMA), read(LOCALIZATION_SCHEMA)
    patterns = [
        re.compile("^" + re.escape(name) + "$")
        for name in localization.schema.get("properties", {})
        if name != "$schema" and name != "localizationKeys"
    ]
    patterns += [re.compile(p) for p in localization.schema.get("patternProperties", {})]
    return Schemas(manifest, localization, tuple(patterns))


def _path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the whole file)"


def _short(message: str) -> str:
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"


def _errors(validator: Any, document: Any) -> list[Any]:
    try:
        found = list(validator.iter_errors(document))
    except re.error as exc:  # a JavaScript-only pattern of the schema (see load_schemas)
        raise SchemaError(f"a pattern of the schema cannot be checked in Python: {exc}") from None
    return sorted(found, key=lambda e: list(map(str, e.path)))


def schema_problems(validator: Any, document: Any, label: str) -> list[str]:
    """One line per schema error: 'sv.json: bots[0]…title: … is too long'."""
    try:
        errors = _errors(validator, document)
    except SchemaError as exc:
        return [f"{label}: {exc}."]
    return [f"{label}: {_path(e.absolute_path)}: {_short(e.message)}" for e in errors]


def _read_json(files: Mapping[str, bytes], name: str, problems: list[str]) -> Any:
    data = files[name]
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{name}: starts with a byte-order mark; Teams wants UTF-8 without one.")
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        problems.append(f"{name}: not valid UTF-8 JSON ({exc}).")
        return None


def _double_titles(manifest: dict[str, Any]) -> list[str]:
    """Teams tells commands apart by their titles: each appears once per command list."""
    problems = []
    for b, bot in enumerate(manifest.get("bots") or []):
        for c, listed in enumerate(bot.get("commandLists") or []):
            titles = [str(command.get("title", "")).casefold() for command in listed["commands"]]
            doubles = sorted({title for title in titles if titles.count(title) > 1})
            if doubles:
                problems.append(
                    f"bots[{b}].commandLists[{c}]: the title(s) {', '.join(doubles)} appear twice."
                )
    return problems


def _teams_rules(manifest: dict[str, Any]) -> list[str]:
    """What Teams refuses although the schema allows it (on a manifest the schema accepts)."""
    problems: list[str] = []
    for b, bot in enumerate(manifest.get("bots") or []):
        for c, listed in enumerate(bot.get("commandLists") or []):
            if len(listed["commands"]) > MAX_COMMANDS:
                problems.append(
                    f"{MANIFEST}: bots[{b}].commandLists[{c}]: {len(listed['commands'])} "
                    f"commands; Teams allows at most {MAX_COMMANDS} per command list."
                )
    problems += [f"{MANIFEST}: {text}" for text in _double_titles(manifest)]
    bot_ids = {bot["botId"] for bot in manifest.get("bots") or []}
    for e, extension in enumerate(manifest.get("composeExtensions") or []):
        if extension.get("botId") not in bot_ids:
            problems.append(
                f"{MANIFEST}: composeExtensions[{e}].botId is not the bot's id: the message "
                f"extension '{extension.get('id', MESSAGE_EXTENSION)}' would reach no bot."
            )
    return problems


def _icon_problems(files: Mapping[str, bytes], name: str, *, size: int, outline: bool) -> list[str]:
    try:
        image = read_png(files[name])
    except PngError as exc:
        return [f"{name}: {exc}."]
    problems = []
    if (image.width, image.height) != (size, size):
        problems.append(f"{name}: {image.width}×{image.height} pixels; Teams wants {size}×{size}.")
    if outline:
        alphas = [p[3] for row in image.pixels for p in row]
        if not image.has_alpha or min(alphas) != 0:
            problems.append(f"{name}: the outline icon needs a transparent background.")
        if any(p[3] and p[:3] != (255, 255, 255) for row in image.pixels for p in row):
            problems.append(f"{name}: the outline icon may only be white (and transparent).")
        if max(alphas) == 0:
            problems.append(f"{name}: the outline icon is empty.")
    return problems


def _localization_problems(
    schemas: Schemas, manifest: dict[str, Any], name: str, texts: dict[str, Any]
) -> list[str]:
    problems = schema_problems(schemas.localization, texts, name)
    leaves = flatten(manifest)
    wanted = {
        path
        for path, value in leaves.items()
        if isinstance(value, str) and any(p.match(path) for p in schemas.localizable)
    }
    given = {key for key in texts if key not in ("$schema", "localizationKeys")}
    problems += [f"{name}: {key} is not translated." for key in sorted(wanted - given)]
    problems += [
        f"{name}: {key} names no text of {MANIFEST}." for key in sorted(given - set(leaves))
    ]
    # The texts in place: does the manifest in this language still pass (lengths, empties)?
    localized = copy.deepcopy(manifest)
    for key in sorted(given & wanted):
        _set(localized, key, texts[key])
    try:
        errors = _errors(schemas.manifest, localized)
    except SchemaError as exc:
        return [*problems, f"{name}: {exc}."]
    problems += [
        f"{name}: {_path(e.absolute_path)}: {_short(e.message)}"
        for e in errors
        if _path(e.absolute_path) in given
    ]
    problems += [f"{name}: {text}" for text in _double_titles(localized)]
    return list(dict.fromkeys(problems))  # both schemas may say the same


def _set(document: Any, path: str, value: Any) -> None:
    parts: list[str | int] = [
        int(index) if index else key for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)
    ]
    target = document
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def validate_files(files: Mapping[str, bytes], schemas: Schemas) -> list[str]:
    """Every problem of a package given as {name at the zip's root: bytes}; [] if Teams would
    take it."""
    if MANIFEST not in files:
        return [f"{MANIFEST} is missing at the root of the package."]
    problems: list[str] = []
    manifest = _read_json(files, MANIFEST, problems)
    if not isinstance(manifest, dict):
        return problems or [f"{MANIFEST}: not a JSON object."]
    problems += schema_problems(schemas.manifest, manifest, MANIFEST)
    if problems:  # the rest reads the manifest's shape: first the schema's word
        return problems
    problems += _teams_rules(manifest)

    # The schema has checked the shape: the icons' names are strings, each language a file.
    icons: dict[str, str] = manifest["icons"]
    info: dict[str, Any] = manifest.get("localizationInfo", {})
    named = {name: role for role, name in icons.items()}  # file → what it is
    for language in info.get("additionalLanguages", []):
        named[language["file"]] = "localization"
    if "defaultLanguageFile" in info:
        named[info["defaultLanguageFile"]] = "localization"
    for file, role in named.items():
        if file not in files:
            problems.append(f"{MANIFEST} names {file}, which is not at the root of the package.")
        elif role == "localization":
            texts = _read_json(files, file, problems)
            if isinstance(texts, dict):
                problems += _localization_problems(schemas, manifest, file, texts)
            elif texts is not None:
                problems.append(f"{file}: not a JSON object.")
        else:
            size = COLOR_SIZE if role == "color" else OUTLINE_SIZE  # outline, color32x32
            problems += _icon_problems(files, file, size=size, outline=role == "outline")
    extra = sorted(set(files) - set(named) - {MANIFEST})
    if extra:
        problems.append(f"files that manifest.json does not name: {', '.join(extra)}.")
    return problems


def read_zip(data: bytes) -> tuple[dict[str, bytes], list[str]]:
    """The files of a package zip, and what is wrong with its layout (folders, no zip)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return {}, ["not a zip file."]
    files: dict[str, bytes] = {}
    problems: list[str] = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if "/" in info.filename or "\\" in info.filename:
                problems.append(
                    f"{info.filename}: inside a folder; Teams reads only the zip's root "
                    "(zip the files, not their folder)."
                )
                continue
            files[info.filename] = archive.read(info)
    return files, problems


def validate_zip(data: bytes, schemas: Schemas) -> list[str]:
    files, problems = read_zip(data)
    return problems if not files and problems else problems + validate_files(files, schemas)


# --- Adaptive Cards and outgoing message activities -------------------------------------------
#
# The schema is Microsoft's (microsoft/AdaptiveCards `schemas/1.5.0/adaptive-card.json`, MIT,
# vendored as `schemas/adaptive-card-1.5.json`; see the README there). It is draft-06 and all its
# `$ref`s are inside the file: read with `Draft6Validator` and an empty registry (nothing fetched).
# On top of it, what Teams states that the schema cannot say:
# - Teams renders Adaptive Cards up to version 1.5 (root `version`, required on the top card);
# - `Action.Execute` reaches the bot as an `adaptiveCard/action` invoke carrying its `verb`:
#   without one the bot cannot tell the buttons apart (Universal Actions);
# - "The message size limit is approximately 28 KB", text and attachments included (Teams,
#   "Format your bot messages" / bot rate-limit docs): the card, and the whole activity, stay
#   within 28 × 1024 bytes of compact UTF-8 JSON.
# The root `msteams` property (mentions, full width) is Teams-only: removed before validation.

CARD_SCHEMA = "adaptive-card-1.5.json"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
#: The newest Adaptive Card version Teams renders.
MAX_CARD_VERSION = (1, 5)
#: Teams' message size limit ("approximately 28 KB", attachments included).
MAX_MESSAGE_BYTES = 28 * 1024


@cache
def _card_validator(directory: Path) -> Any:
    from jsonschema import Draft6Validator  # dev dependency
    from referencing import Registry

    path = directory / CARD_SCHEMA
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(
            f"{path} is missing: the Adaptive Card schema is vendored there."
        ) from None
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path} cannot be read as JSON: {exc}") from None
    return Draft6Validator(schema, registry=Registry())


def compact_size(document: Any) -> int:
    """The bytes of `document` as compact UTF-8 JSON (how its size is counted here)."""
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _branch_type(schema: Any, validator: Any) -> str | None:
    """The `type` constant of an `ImplementationsOf.*` branch: {"required": ["type"],
    "allOf": [{"$ref": "#/definitions/TextBlock"}]} → "TextBlock"."""
    if not isinstance(schema, dict):
        return None
    for part in schema.get("allOf", []):
        ref = part.get("$ref", "") if isinstance(part, dict) else ""
        if ref.startswith("#/definitions/"):
            target = validator.schema["definitions"].get(ref.removeprefix("#/definitions/"), {})
            enum = target.get("properties", {}).get("type", {}).get("enum")
            if isinstance(enum, list) and len(enum) == 1:
                return str(enum[0])
    return None


def _card_errors(error: Any, validator: Any) -> list[tuple[list[Any], str]]:
    """Readable (path, message) pairs for one schema error. An element of the wrong shape fails
    an `anyOf` of every element type: report what is wrong against ITS type, or that its type
    is unknown, rather than "is not valid under any of the given schemas"."""
    instance = error.instance
    if error.validator == "anyOf" and error.context:
        if isinstance(instance, dict) and isinstance(instance.get("type"), str):
            kind = instance["type"]
            branches = error.validator_value
            known = [_branch_type(b, validator) for b in branches]
            if any(known):
                if kind not in known:
                    names = ", ".join(sorted(k for k in known if k))
                    return [
                        (
                            [*error.absolute_path, "type"],
                            f"unknown type '{kind}' here (Adaptive Cards 1.5 allows: {names})",
                        )
                    ]
                index = known.index(kind)
                found: list[tuple[list[Any], str]] = []
                for sub in error.context:
                    if sub.schema_path and sub.schema_path[0] == index:
                        found += _card_errors(sub, validator)
                if found:
                    return found
        # Not a typed choice (e.g. a string or an object): the deepest errors say most.
        deepest = max(len(list(sub.absolute_path)) for sub in error.context)
        if deepest > len(list(error.absolute_path)):
            found = []
            for sub in error.context:
                if len(list(sub.absolute_path)) == deepest:
                    found += _card_errors(sub, validator)
            return found
    return [(list(error.absolute_path), _short(error.message))]


def _version(text: Any) -> tuple[int, ...] | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d+(\.\d+)*", text):
        return None
    return tuple(int(part) for part in text.split("."))


def _executes(node: Any, path: list[Any]) -> Iterable[tuple[list[Any], dict[str, Any]]]:
    """Every Action.Execute of a card with its path (a refresh's action is one, typed or not)."""
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            yield path, node
        for key, value in node.items():
            if (
                key == "refresh"
                and isinstance(value, dict)
                and isinstance(value.get("action"), dict)
            ):
                action = value["action"]
                if action.get("type") != "Action.Execute":
                    yield [*path, "refresh", "action"], action
            yield from _executes(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _executes(value, [*path, index])


def card_problems(card: dict[str, Any], *, schema_dir: Path = DEFAULT_SCHEMA_DIR) -> list[str]:
    """What Teams would refuse in an Adaptive Card (the attachment's `content`); [] = fine.
    Each problem names its place as a JSON path ("body[2].actions[0].url: …")."""
    if not isinstance(card, dict):
        return ["(the card): not a JSON object."]
    problems: list[str] = []
    size = compact_size(card)
    if size > MAX_MESSAGE_BYTES:
        problems.append(
            f"(the card): {size} bytes of JSON; Teams takes at most {MAX_MESSAGE_BYTES} "
            "(its message size limit is about 28 KB)."
        )
    document = copy.deepcopy(card)
    document.pop("msteams", None)  # Teams-only (mentions, width): not in the schema
    validator = _card_validator(schema_dir.resolve())
    try:
        errors = _errors(validator, document)
    except SchemaError as exc:
        return [*problems, f"(the card): {exc}."]
    pairs: list[tuple[list[Any], str]] = []
    for error in errors:
        pairs += _card_errors(error, validator)
    problems += list(dict.fromkeys(f"{_path(p)}: {m}" for p, m in pairs))

    if document.get("type") != "AdaptiveCard":
        problems.append("type: must be 'AdaptiveCard' at the root.")
    version = document.get("version")
    parsed = _version(version)
    if version is None:
        problems.append("version: missing; the top-level card must say its version ('1.5').")
    elif parsed is None:
        problems.append(f"version: {version!r} is not a version like '1.5'.")
    elif parsed > MAX_CARD_VERSION:
        problems.append(f"version: {version} is newer than Teams renders (at most 1.5).")
    for path, action in _executes(document, []):
        verb = action.get("verb")
        if not isinstance(verb, str) or not verb.strip():
            problems.append(
                f"{_path(path)}: Action.Execute without a verb (the bot receives the verb)."
            )
    return problems


def activity_problems(
    activity: dict[str, Any], *, schema_dir: Path = DEFAULT_SCHEMA_DIR
) -> list[str]:
    """What Teams would refuse in an outgoing message activity (a bot's send or update); []
    = fine. Adaptive Card attachments are checked with `card_problems`."""
    if not isinstance(activity, dict):
        return ["(the activity): not a JSON object."]
    problems: list[str] = []
    if activity.get("type") != "message":
        problems.append(f"type: {activity.get('type')!r}; a message activity has type 'message'.")
    text = activity.get("text")
    if text is not None and not isinstance(text, str):
        problems.append("text: not a string.")
    attachments = activity.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        problems.append("attachments: not a list.")
        attachments = None
    if not (isinstance(text, str) and text.strip()) and not attachments:
        problems.append("(the activity): neither text nor attachments: nothing to show.")
    for index, attachment in enumerate(attachments or []):
        where = f"attachments[{index}]"
        if not isinstance(attachment, dict):
            problems.append(f"{where}: not a JSON object.")
            continue
        content_type = attachment.get("contentType")
        if not isinstance(content_type, str) or not content_type:
            problems.append(f"{where}.contentType: missing.")
        elif content_type == ADAPTIVE_CARD:
            content = attachment.get("content")
            if not isinstance(content, dict):
                problems.append(f"{where}.content: the Adaptive Card is missing.")
            else:
                for problem in card_problems(content, schema_dir=schema_dir):
                    inner = problem.removeprefix("(the card)")
                    joint = "" if inner.startswith(":") else "."
                    problems.append(f"{where}.content{joint}{inner}")
    size = compact_size(activity)
    if size > MAX_MESSAGE_BYTES:
        problems.append(
            f"(the activity): {size} bytes of JSON; Teams' message size limit is about 28 KB "
            f"({MAX_MESSAGE_BYTES} bytes), attachments included."
        )
    return problems
