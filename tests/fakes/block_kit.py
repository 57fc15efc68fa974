"""Block Kit validation as strict as real Slack for the parts Fika uses.

Each problem is reported as ``"<reason> [json-pointer:<pointer>]"``, the same shape Slack
uses in ``errors`` (messages) and ``response_metadata.messages`` (views), so a failing
test points at the offending block.  Limits come from Slack's Block Kit reference.
"""

from __future__ import annotations

import re
from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MESSAGE_TEXT_MAX = 40_000

KNOWN_BLOCK_TYPES = frozenset(
    {
        "section",
        "header",
        "divider",
        "actions",
        "context",
        "input",
        "image",
        "rich_text",
        "markdown",
    }
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
SELECT_TYPES = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
INPUT_ONLY_ELEMENTS = frozenset(
    {
        "plain_text_input",
        "number_input",
        "email_text_input",
        "url_text_input",
        "rich_text_input",
        "file_input",
    }
)
INTERACTIVE_ELEMENTS = frozenset(
    {
        "button",
        "overflow",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "checkboxes",
        "radio_buttons",
        *SELECT_TYPES,
    }
)


# Slack's control sequences in mrkdwn ("Formatting text for app surfaces"): mentions, channel
# links, special mentions, dates and links. Any other `<` is read as the start of one and the
# text around it is mangled; `&`, `<` and `>` written as text must be `&amp;` `&lt;` `&gt;`.
_CONTROL = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#C[A-Z0-9]+|!(?:here|channel|everyone)|!subteam\^[A-Z0-9]+"
    r"|!date\^[0-9]+\^[^<>|]+(?:\^[^<>|]+)?|(?:https?|mailto|slack|tel):[^<>|\s]+)"
    r"(?:\|[^<>]*)?>"
)
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def mrkdwn_problems(text: str) -> list[str]:
    """Why Slack would show this mrkdwn differently from what was meant (empty when fine):
    a `<` that starts no control sequence, an `&` that is no entity, a cut-off sequence."""
    problems: list[str] = []
    rest = _CONTROL.sub("", text)
    if "<" in rest:
        i = rest.index("<")
        problems.append(f"unescaped '<' in mrkdwn near {rest[max(0, i - 20) : i + 20]!r}")
    stray = _ENTITY.sub("", rest)
    if "&" in stray:
        i = stray.index("&")
        problems.append(f"unescaped '&' in mrkdwn near {stray[max(0, i - 20) : i + 20]!r}")
    return problems


class _Checker:
    def __init__(self, in_view: bool) -> None:
        self.in_view = in_view
        self.errors: list[str] = []
        #: Accepted by Slack but shown mangled (mrkdwn escaping); tests assert there are none.
        self.mangled: list[str] = []
        self.block_ids: set[str] = set()
        self.action_ids: set[str] = set()

    def fail(self, reason: str, pointer: str) -> None:
        self.errors.append(f"{reason} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def text(
        self,
        obj: Any,
        pointer: str,
        *,
        max_len: int,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.fail("must provide an object", pointer)
            return
        if not isinstance(obj, dict):
            self.fail("must provide an object", pointer)
            return
        kind = obj.get("type")
        allowed = {"plain_text"} if plain_only else TEXT_TYPES
        if kind not in allowed:
            self.fail("must be a valid enum value", f"{pointer}/type")
        value = obj.get("text")
        if not isinstance(value, str):
            self.fail("must provide a string", f"{pointer}/text")
            return
        if not value:
            self.fail("must be more than 0 characters", f"{pointer}/text")
        self.max_len(value, max_len, f"{pointer}/text")
        if kind == "mrkdwn" and obj.get("verbatim") is not True:
            for problem in mrkdwn_problems(value):
                self.mangled.append(f"{problem} [json-pointer:{pointer}/text]")

    def action_id(self, element: dict[str, Any], pointer: str) -> None:
        action_id = element.get("action_id")
        if action_id is not None:
            if not isinstance(action_id, str):
                self.fail("must provide a string", f"{pointer}/action_id")
            else:
                self.max_len(action_id, 255, f"{pointer}/action_id")
                # "Should be unique among all other action_ids in the containing block";
                # Slack refuses the block otherwise.
                if action_id in self.action_ids:
                    self.fail(f"duplicate action_id: {action_id}", f"{pointer}/action_id")
                self.action_ids.add(action_id)

    def option(self, option: Any, pointer: str, *, plain_only: bool, text_max: int = 75) -> None:
        if not isinstance(option, dict):
            self.fail("must provide an object", pointer)
            return
        self.text(option.get("text"), f"{pointer}/text", max_len=text_max, plain_only=plain_only)
        value = option.get("value")
        if value is not None:
            self.max_len(value, 150, f"{pointer}/value")
        if "description" in option:
            self.text(
                option["description"], f"{pointer}/description", max_len=75, plain_only=plain_only
            )

    def options(
        self, options: Any, pointer: str, *, limit: int, plain_only: bool, minimum: int = 1
    ) -> None:
        if not isinstance(options, list):
            self.fail("must provide an array", pointer)
            return
        if len(options) > limit:
            self.fail(f"must provide no more than {limit} items", pointer)
        if len(options) < minimum:
            self.fail(f"must provide at least {minimum} items", pointer)
        for i, option in enumerate(options):
            self.option(option, f"{pointer}/{i}", plain_only=plain_only)

    def confirm(self, confirm: Any, pointer: str) -> None:
        if confirm is None:
            return
        if not isinstance(confirm, dict):
            self.fail("must provide an object", pointer)
            return
        self.text(confirm.get("title"), f"{pointer}/title", max_len=100, plain_only=True)
        self.text(confirm.get("text"), f"{pointer}/text", max_len=300)
        self.text(confirm.get("confirm"), f"{pointer}/confirm", max_len=30, plain_only=True)
        self.text(confirm.get("deny"), f"{pointer}/deny", max_len=30, plain_only=True)

    def element(self, element: Any, pointer: str, *, in_input: bool = False) -> None:
        if not isinstance(element, dict):
            self.fail("must provide an object", pointer)
            return
        kind = element.get("type")
        allowed = INTERACTIVE_ELEMENTS | {"image"}
        if in_input:
            allowed = allowed | INPUT_ONLY_ELEMENTS
        if kind not in allowed:
            self.fail(f"unsupported type: {kind}", f"{pointer}/type")
            return
        self.action_id(element, pointer)
        self.confirm(element.get("confirm"), f"{pointer}/confirm")
        if "placeholder" in element:
            self.text(
                element["placeholder"], f"{pointer}/placeholder", max_len=150, plain_only=True
            )
        if kind == "button":
            self.text(element.get("text"), f"{pointer}/text", max_len=75, plain_only=True)
            self.max_len(element.get("value"), 2000, f"{pointer}/value")
            self.max_len(element.get("url"), 3000, f"{pointer}/url")
            style = element.get("style")
            if style is not None and style not in ("primary", "danger"):
                self.fail("must be a valid enum value", f"{pointer}/style")
        elif kind in ("static_select", "multi_static_select"):
            if "option_groups" in element:
                groups = element["option_groups"]
                if not isinstance(groups, list) or len(groups) > 100:
                    self.fail("must provide no more than 100 items", f"{pointer}/option_groups")
                else:
                    for gi, group in enumerate(groups):
                        gp = f"{pointer}/option_groups/{gi}"
                        group = group if isinstance(group, dict) else {}
                        self.text(group.get("label"), f"{gp}/label", max_len=75, plain_only=True)
                        self.options(
                            group.get("options"), f"{gp}/options", limit=100, plain_only=True
                        )
            else:
                self.options(
                    element.get("options"), f"{pointer}/options", limit=100, plain_only=True
                )
            if "initial_option" in element:
                self.option(element["initial_option"], f"{pointer}/initial_option", plain_only=True)
        elif kind == "overflow":
            self.options(
                element.get("options"), f"{pointer}/options", limit=5, plain_only=True, minimum=1
            )
        elif kind in ("checkboxes", "radio_buttons"):
            self.options(element.get("options"), f"{pointer}/options", limit=10, plain_only=False)
        elif kind == "image":
            self.image_fields(element, pointer)
        elif kind == "plain_text_input":
            self.plain_text_input(element, pointer)

    def plain_text_input(self, element: dict[str, Any], pointer: str) -> None:
        max_length = element.get("max_length")
        if max_length is not None and (
            not isinstance(max_length, int) or not 1 <= max_length <= 3000
        ):
            self.fail("must be between 1 and 3000", f"{pointer}/max_length")
            max_length = None
        min_length = element.get("min_length")
        if min_length is not None and (
            not isinstance(min_length, int) or not 0 <= min_length <= 3000
        ):
            self.fail("must be between 0 and 3000", f"{pointer}/min_length")
        initial = element.get("initial_value")
        limit = max_length if max_length is not None else 3000
        self.max_len(initial, limit, f"{pointer}/initial_value")

    def image_fields(self, obj: dict[str, Any], pointer: str) -> None:
        if "image_url" not in obj and "slack_file" not in obj:
            self.fail("must provide either image_url or slack_file", pointer)
        self.max_len(obj.get("image_url"), 3000, f"{pointer}/image_url")
        alt = obj.get("alt_text")
        if not isinstance(alt, str) or not alt:
            self.fail("must provide a string", f"{pointer}/alt_text")
        else:
            self.max_len(alt, 2000, f"{pointer}/alt_text")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict):
            self.fail("must provide an object", pointer)
            return
        kind = block.get("type")
        if kind not in KNOWN_BLOCK_TYPES:
            self.fail(f"unsupported type: {kind}", f"{pointer}/type")
            return
        if kind == "input" and not self.in_view:
            self.fail("unsupported type: input", f"{pointer}/type")
            return
        if kind == "markdown" and self.in_view:
            # The markdown block is for messages only (Block Kit reference: "Available in
            # surfaces: Messages").
            self.fail("unsupported type: markdown", f"{pointer}/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id:
                self.fail("must provide a non-empty string", f"{pointer}/block_id")
            else:
                self.max_len(block_id, 255, f"{pointer}/block_id")
                if block_id in self.block_ids:
                    self.fail(f"duplicate block_id: {block_id}", f"{pointer}/block_id")
                self.block_ids.add(block_id)
        self.action_ids = set()
        getattr(self, f"block_{kind}")(block, pointer)

    def block_section(self, block: dict[str, Any], pointer: str) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and fields is None:
            self.fail("must provide either text or fields", pointer)
        if text is not None:
            self.text(text, f"{pointer}/text", max_len=3000)
        if fields is not None:
            if not isinstance(fields, list):
                self.fail("must provide an array", f"{pointer}/fields")
            else:
                if len(fields) > 10:
                    self.fail("must provide no more than 10 items", f"{pointer}/fields")
                for i, field in enumerate(fields):
                    self.text(field, f"{pointer}/fields/{i}", max_len=2000)
        if "accessory" in block:
            self.element(block["accessory"], f"{pointer}/accessory")

    def block_header(self, block: dict[str, Any], pointer: str) -> None:
        self.text(block.get("text"), f"{pointer}/text", max_len=150, plain_only=True)

    def block_divider(self, block: dict[str, Any], pointer: str) -> None:
        return None

    def block_actions(self, block: dict[str, Any], pointer: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.fail("must provide at least 1 items", f"{pointer}/elements")
            return
        if len(elements) > 25:
            self.fail("must provide no more than 25 items", f"{pointer}/elements")
        for i, element in enumerate(elements):
            self.element(element, f"{pointer}/elements/{i}")

    def block_context(self, block: dict[str, Any], pointer: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.fail("must provide at least 1 items", f"{pointer}/elements")
            return
        if len(elements) > 10:
            self.fail("must provide no more than 10 items", f"{pointer}/elements")
        for i, element in enumerate(elements):
            ep = f"{pointer}/elements/{i}"
            if isinstance(element, dict) and element.get("type") == "image":
                self.image_fields(element, ep)
            else:
                self.text(element, ep, max_len=3000)

    def block_input(self, block: dict[str, Any], pointer: str) -> None:
        self.text(block.get("label"), f"{pointer}/label", max_len=2000, plain_only=True)
        if "hint" in block:
            self.text(block["hint"], f"{pointer}/hint", max_len=2000, plain_only=True)
        if "element" not in block:
            self.fail("must provide an object", f"{pointer}/element")
            return
        self.element(block["element"], f"{pointer}/element", in_input=True)

    def block_image(self, block: dict[str, Any], pointer: str) -> None:
        self.image_fields(block, pointer)
        if "title" in block:
            self.text(block["title"], f"{pointer}/title", max_len=2000, plain_only=True)

    def block_rich_text(self, block: dict[str, Any], pointer: str) -> None:
        if not isinstance(block.get("elements"), list):
            self.fail("must provide an array", f"{pointer}/elements")

    def block_markdown(self, block: dict[str, Any], pointer: str) -> None:
        text = block.get("text")
        if not isinstance(text, str) or not text:
            self.fail("must provide a string", f"{pointer}/text")
        else:
            self.max_len(text, 12_000, f"{pointer}/text")

    def blocks(self, blocks: Any, pointer: str, *, limit: int) -> None:
        if not isinstance(blocks, list):
            self.fail("must provide an array", pointer)
            return
        if len(blocks) > limit:
            self.fail(f"no more than {limit} items allowed", pointer)
        for i, block in enumerate(blocks):
            self.block(block, f"{pointer}/{i}")


def validate_message_blocks(blocks: Any) -> list[str]:
    """Errors for message ``blocks`` (chat.* and response_url); empty list when valid."""
    return check_message_blocks(blocks)[0]


def check_message_blocks(blocks: Any) -> tuple[list[str], list[str]]:
    """(errors Slack refuses, mangled mrkdwn Slack accepts) for message ``blocks``."""
    checker = _Checker(in_view=False)
    checker.blocks(blocks, "/blocks", limit=MESSAGE_MAX_BLOCKS)
    return checker.errors, checker.mangled


def validate_view(view: Any) -> list[str]:
    """Errors for a ``view`` argument of views.open/push/update/publish."""
    return check_view(view)[0]


def check_view(view: Any) -> tuple[list[str], list[str]]:
    """(errors Slack refuses, mangled mrkdwn Slack accepts) for a ``view``."""
    checker = _Checker(in_view=True)
    _view(checker, view)
    return checker.errors, checker.mangled


def _view(checker: _Checker, view: Any) -> None:
    if not isinstance(view, dict):
        checker.fail("must provide an object", "/view")
        return
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("must be a valid enum value", "/view/type")
        return
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", max_len=24, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                checker.text(view[key], f"/view/{key}", max_len=24, plain_only=True)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and "submit" not in view:
            checker.fail("must provide submit when the view has input blocks", "/view/submit")
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        value = view.get(key)
        if value is not None:
            if not isinstance(value, str):
                checker.fail("must provide a string", f"/view/{key}")
            else:
                checker.max_len(value, limit, f"/view/{key}")
    if "blocks" not in view:
        checker.fail("must provide an array", "/view/blocks")
    else:
        checker.blocks(view["blocks"], "/view/blocks", limit=VIEW_MAX_BLOCKS)


OPTIONS_MAX = 100


def validate_options_response(body: Any) -> list[str]:
    """Errors for the answer to a ``block_suggestion`` (options load) request: at most 100
    ``options`` (or ``option_groups``), each with plain_text ≤ 75 characters and value ≤ 150."""
    checker = _Checker(in_view=True)
    if not isinstance(body, dict):
        checker.fail("must provide an object", "")
        return checker.errors
    if "option_groups" in body:
        groups = body["option_groups"]
        if not isinstance(groups, list) or len(groups) > OPTIONS_MAX:
            checker.fail("must provide no more than 100 items", "/option_groups")
        else:
            for gi, group in enumerate(groups):
                group = group if isinstance(group, dict) else {}
                checker.text(
                    group.get("label"), f"/option_groups/{gi}/label", max_len=75, plain_only=True
                )
                checker.options(
                    group.get("options"),
                    f"/option_groups/{gi}/options",
                    limit=OPTIONS_MAX,
                    plain_only=True,
                    minimum=0,
                )
    else:
        checker.options(
            body.get("options"), "/options", limit=OPTIONS_MAX, plain_only=True, minimum=0
        )
    return checker.errors
