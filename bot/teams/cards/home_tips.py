"""The home card's tips part (Slack's Home `_tips_blocks`, and the review queue of its
`_team_blocks`): the person's own tips, the latest approved ones, "Share a tip" (the tip form
dialog, handlers/teams_tips.py DIALOGS "tips.form"), and for curators how many tips wait with a
Review button (verb `home.review`: the queue comes as a message below, the home card stays).

Per role as the rest of the home card: `data.reviewer` is read on the server at every render
(the card's refresh, every click). Pure: the same `bot.home.store.HomeData` as the Slack Home
and a Teams translator (knowing the authors' names) in; card elements out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.home.store import HomeData
from bot.people.former import person
from bot.teams.cards.answers import (
    Element,
    TeamsTranslator,
    action_set,
    dialog_button,
    execute,
    heading,
    note,
    text_block,
)
from bot.teams.cards.tips import DIALOG_TIP, STATUS_EMOJI, category_text, cut, plain
from bot.tips.models import Tip, TipSource
from bot.tips.store import STATUS_LABELS, Page

#: The Review button's verb (handlers/teams_home_tips.py); its data keeps the programs' page
#: the home card shows (`bot.teams.cards.home.OFFSET`).
REVIEW = "home.review"
OFFSET = "p"


def _own(t: TeamsTranslator, tip: Tip) -> str:
    status = t(STATUS_LABELS.get(tip.status, tip.status))
    emoji = STATUS_EMOJI.get(tip.status, "")
    return (
        f"{emoji} **{plain(cut(tip.title, 300))}** – {status} · _{category_text(t, tip.category)}_"
    )


def _latest(t: TeamsTranslator, tip: Tip) -> str:
    facts = [category_text(t, tip.category)]
    if tip.library_name:
        facts.append(plain(cut(tip.library_name, 80)))  # a summary: the tip card has it whole
    author = t.inserted(person(t, tip.author_id), line_start=False)
    return f"• **{plain(cut(tip.title, 300))}** – _{' · '.join(facts)}_ · {author}"


def _list(
    t: TeamsTranslator,
    title: str,
    page: Page,
    empty: str,
    line: Callable[[TeamsTranslator, Tip], str],
) -> list[Element]:
    shown: list[Element] = [text_block(title, spacing="Medium")]
    if not page.tips:
        shown.append(text_block(empty, spacing="None"))
        return shown
    shown += [text_block(line(t, tip), spacing="None") for tip in page.tips]
    if page.total > len(page.tips):
        shown.append(
            note(
                t(
                    "Showing {first}–{last} of {total}",
                    first=t.number(page.offset + 1),
                    last=t.number(page.offset + len(page.tips)),
                    total=t.number(page.total),
                )
            )
        )
    return shown


def _angles(text: str) -> str:
    """Our own sentence's `<words>` shown as written (Teams would read `<…>` as a tag)."""
    return text.replace("<", "\\<").replace(">", "\\>")


def share_button(t: TeamsTranslator) -> Element:
    """Opens the tip form (a dialog: `task/fetch` to DIALOGS "tips.form"), from the Home."""
    return dialog_button(t("Share a tip"), DIALOG_TIP, {"s": TipSource.HOME.value})


def review_part(t: TeamsTranslator, pending: int | None, offset: int = 0) -> list[Element]:
    """For curators: how many tips wait, and Review (nothing for anyone else)."""
    if pending is None:
        return []
    if not pending:
        return [text_block("🎉 " + t("No tips are waiting for review."), spacing="Medium")]
    count = t.ngettext(
        "*{n} tip is waiting for review*", "*{n} tips are waiting for review*", pending
    )
    return [
        text_block("📥 " + count, spacing="Medium"),
        action_set([execute(t("Review"), REVIEW, {OFFSET: offset}, style="positive")]),
    ]


def tips_part(t: TeamsTranslator, data: HomeData) -> Sequence[Element]:
    """The tips part of the home card, for `data`'s person and role."""
    parts: list[Element] = [
        {"type": "TextBlock", "text": " ", "separator": True, "spacing": "Large"},
        heading(t("💡 Good-practice tips")),
        text_block(
            t("Something worked well in your library? Share it – the AKE team reads every tip.")
        ),
        action_set([share_button(t)]),
        *_list(t, "📝 " + t("*Your tips*"), data.mine, t("You haven't shared any tips yet."), _own),
        *_list(
            t,
            "✨ " + t("*Latest approved tips*"),
            data.latest,
            t("No tips have been approved yet."),
            _latest,
        ),
        note(_angles(t("Search all approved tips with `/tips search <words>`."))),
    ]
    if data.reviewer:
        parts += review_part(t, data.pending, data.pages.programs)
    return parts
