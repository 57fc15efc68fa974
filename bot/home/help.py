"""Help for a slash command, in the reader's language."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bot.people.permissions import AUDIENCE, Role, role_needed
from bot.platform.commands import CommandSet
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import escape, truncate

Block = dict[str, Any]

_INTROS = {
    "/fika": N_(
        "Fika pairs you with a colleague from another library for a short remote coffee "
        "break. Commands:"
    ),
    "/tips": N_("Share good practice with libraries across the region. Commands:"),
}


def roles_in(commands: CommandSet) -> frozenset[Role]:
    """The roles the subcommands need (`bot.people.permissions`): which ones help must look up."""
    return frozenset(role_needed(commands.action(sub)) for sub in commands.subcommands)


def help_blocks(
    t: Translator,
    commands: CommandSet,
    roles: Collection[Role],
    unknown_word: str | None = None,
) -> list[Block]:
    """Help listing the subcommands the reader's `roles` allow; a privileged one is labelled
    with its audience, both from `bot.people.permissions.PERMISSIONS`."""
    blocks: list[Block] = []
    if unknown_word:
        blocks.append(
            _section(
                t(
                    "I don't know the command “{word}”. Here is what I understand:",
                    word=escape(truncate(unknown_word, 50)),
                )
            )
        )
    intro = _INTROS.get(commands.command)
    if intro:
        blocks.append(_section(t(intro)))
    lines = []
    for sub in commands.subcommands:
        role = role_needed(commands.action(sub))
        if role not in roles:
            continue
        usage = f"{commands.command} {sub.word_for(t.locale)}"
        if sub.args:
            usage += f" {escape(t(sub.args))}"  # `<words>` is Slack syntax unescaped
        line = f"• `{usage}` — {t(sub.summary)}"
        if role in AUDIENCE:
            line += " " + t(AUDIENCE[role])
        lines.append(line)
    # A section holds at most 3000 characters: split long lists over several sections.
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": t(
                        "Commands also work in Swedish, Finnish and English, "
                        "e.g. `{sv}`, `{fi}` or `{en}`.",
                        sv=f"{commands.command} hjälp",
                        fi=f"{commands.command} ohje",
                        en=f"{commands.command} help",
                    ),
                }
            ],
        }
    )
    return blocks


def help_text(t: Translator, commands: CommandSet) -> str:
    """The notification/fallback text of a help message."""
    return t("Help for {command}", command=commands.command)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
