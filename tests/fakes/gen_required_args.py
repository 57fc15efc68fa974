"""Regenerate ``slack_required_args.json`` from Slack's OpenAPI spec.

The fake Slack server reads the committed JSON, so CI never needs the spec. Run this only
when the spec or the corrections below change::

    python tests/fakes/gen_required_args.py [path/to/slack_web_openapi_v2.json]

The spec (slackapi/slack-api-specs, frozen in 2020) is stale: it lacks the newer file
upload methods and marks many arguments optional that real Slack rejects when missing.
``CORRECTIONS`` adds what current Slack docs list as required.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT_SPEC = Path("/work/shared/slack-data/openapi/slack_web_openapi_v2.json")
OUTPUT = Path(__file__).with_name("slack_required_args.json")

# method -> arguments real Slack requires but the stale spec does not mark as required.
CORRECTIONS: dict[str, list[str]] = {
    "conversations.members": ["channel"],
    "conversations.info": ["channel"],
    "conversations.join": ["channel"],
    "conversations.history": ["channel"],
    "conversations.replies": ["channel", "ts"],
    "conversations.invite": ["channel", "users"],
    "conversations.kick": ["channel", "user"],
    "conversations.leave": ["channel"],
    "conversations.archive": ["channel"],
    "conversations.unarchive": ["channel"],
    "conversations.close": ["channel"],
    "conversations.mark": ["channel", "ts"],
    "conversations.rename": ["channel", "name"],
    "conversations.setTopic": ["channel", "topic"],
    "conversations.setPurpose": ["channel", "purpose"],
    "conversations.create": ["name"],
    "chat.delete": ["channel", "ts"],
    "chat.meMessage": ["channel", "text"],
    "chat.scheduleMessage": ["channel", "post_at"],
    "users.info": ["user"],
    "users.getPresence": ["user"],
    "views.update": ["view"],
    "files.getUploadURLExternal": ["filename", "length"],
    "files.completeUploadExternal": ["files"],
}


def required_args(spec: dict[str, object]) -> dict[str, list[str]]:
    """Return method -> sorted required argument names (``token`` excluded)."""
    result: dict[str, set[str]] = {}
    paths = spec["paths"]
    assert isinstance(paths, dict)
    for path, operations in paths.items():
        method = path.lstrip("/")
        names = result.setdefault(method, set())
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param.get("required") and param["name"] != "token":
                    names.add(param["name"])
    for method, extra in CORRECTIONS.items():
        result.setdefault(method, set()).update(extra)
    return {method: sorted(names) for method, names in sorted(result.items())}


def main(argv: list[str]) -> int:
    spec_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPEC
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    mapping = required_args(spec)
    # One method per line keeps diffs readable; it is still plain JSON.
    lines = [f"  {json.dumps(method)}: {json.dumps(names)}" for method, names in mapping.items()]
    OUTPUT.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {len(mapping)} methods to {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
