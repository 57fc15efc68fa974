"""The help card: the commands a person may type to Fika on Teams, in their language.

The same vocabulary as `/fika` and `/tips` on Slack (`bot.platform.commands.CommandSet`: the
word of the reader's language, its arguments, its summary, the audience label of
`bot.people.permissions`), without the slash command: in the personal chat a command is the
word alone, in a team channel the word after @Fika. Shown for `help` and for a word Fika does
not know.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.home.help import _INTROS
from bot.people.permissions import AUDIENCE, Role, role_needed
from bot.platform.commands import HELP, CommandSet
from bot.platform.i18n import N_
from bot.platform.slack_text import truncate
from bot.teams.cards.answers import Card, Element, TeamsTranslator, card, note, text_block
from bot.teams.cards.text import plain

IN_A_CHANNEL = N_("In a team channel, mention Fika first, e.g. {example}.")

#: Who may use a subcommand on Teams where it differs from Slack (the permission table's key
#: → role): the list of libraries is the admins' (people pick theirs in the profile dialog;
#: handlers/teams_libraries.py checks it at every command and click).
TEAMS_ROLES: dict[str, Role] = {"/fika libraries": Role.ADMIN}


def teams_role(action: str) -> Role:
    return TEAMS_ROLES.get(action, role_needed(action))


def help_lines(
    t: TeamsTranslator,
    commands: CommandSet,
    roles: Collection[Role],
    only: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> list[str]:
    """One line per subcommand the reader's roles allow (and Teams serves: `only`, by English
    name), e.g. "**paus** ‹N veckor | ÅÅÅÅ-MM-DD› — Ta paus … (admins)"."""
    shown: list[str] = []
    for sub in commands.subcommands:
        if sub.name in skip or (only is not None and sub.name not in only):
            continue
        role = teams_role(commands.action(sub))
        if role not in roles:
            continue
        line = f"**{plain(sub.word_for(t.locale))}**"
        if sub.args:
            line += " " + plain(t(sub.args))
        line += f" — {t(sub.summary)}"
        if role in AUDIENCE:
            line += " " + t(AUDIENCE[role])
        shown.append(line)
    return shown


def help_card(
    t: TeamsTranslator,
    sets: Sequence[tuple[CommandSet, Collection[Role]]],
    *,
    unknown_word: str | None = None,
    only: Collection[str] | None = None,
) -> Card:
    """Help for the command sets (each with the reader's roles among those it needs), the
    first set's `help` once; `unknown_word` when the card answers a word Fika does not know."""
    body: list[Element] = []
    if unknown_word:
        body.append(
            text_block(
                t(
                    "I don't know the command “{word}”. Here is what I understand:",
                    word=truncate(unknown_word, 50),
                ),
                weight="Bolder",
            )
        )
    seen: set[str] = set()
    for commands, roles in sets:
        intro = _INTROS.get(commands.command)
        if intro:
            body.append(text_block(t(intro), spacing="Medium"))
        for line in help_lines(t, commands, roles, only, skip=seen):
            body.append(text_block(line, spacing="Small"))
        seen |= {sub.name for sub in commands.subcommands}
    body.append(
        note(
            t(
                "Commands also work in Swedish, Finnish and English, "
                "e.g. `{sv}`, `{fi}` or `{en}`.",
                sv=HELP.word_for("sv"),
                fi=HELP.word_for("fi"),
                en=HELP.word_for("en"),
            )
        )
    )
    body.append(note(t(IN_A_CHANNEL, example="@Fika " + HELP.word_for(t.locale))))
    return card(body)
