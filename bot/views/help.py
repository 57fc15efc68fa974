"""Help for a slash command, in the reader's language."""

from __future__ import annotations

from typing import Any

from bot.commands import CommandSet
from bot.i18n import N_, Translator
from bot.slack_text import escape, truncate

Block = dict[str, Any]

_INTROS = {
    "/fika": N_(
        "Fika pairs you with a colleague from another library for a short remote coffee "
        "break. Commands:"
    ),
    "/tips": N_("Share good practice with libraries across the region. Commands:"),
}


def help_blocks(
    t: Translator, commands: CommandSet, show_admin: bool, unknown_word: str | None = None
) -> list[Block]:
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
    for sub in commands.visible(show_admin):
        usage = f"{commands.command} {sub.word_for(t.locale)}"
        if sub.args:
            usage += f" {t(sub.args)}"
        line = f"• `{usage}` — {t(sub.summary)}"
        if sub.admin:
            line += " " + (t(sub.audience) if sub.audience else t("(admins)"))
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
