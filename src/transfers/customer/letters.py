"""The wording of a customer notice (GDPR Art. 28(2)) and of the page subscribers' e-mails, in
Finnish and English. Names, countries and dates come from the lexicon; nothing internal (notes,
verdict reasons, ids) is written into a message that leaves the company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from transfers.reference import lexicon

CHANGE_WORDS: Final = {
    "en": {
        "added": "we intend to engage a new sub-processor",
        "replaced": "we intend to replace a sub-processor",
        "removed": "we will stop using a sub-processor",
        "new_country": "a sub-processor will process the data in a new country",
    },
    "fi": {
        "added": "aiomme ottaa käyttöön uuden alikäsittelijän",
        "replaced": "aiomme vaihtaa alikäsittelijän",
        "removed": "lopetamme alikäsittelijän käytön",
        "new_country": "alikäsittelijä käsittelee tietoja uudessa maassa",
    },
}


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """What a notice says about one change: public facts only."""

    change: str
    name: str
    country: str
    new_country: str | None
    replaces: str | None
    purpose: str | None
    safeguard: str | None
    effective_on: date


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str


def _where(facts: ChangeFacts, lang: str) -> str:
    return lexicon.country(facts.new_country or facts.country, lang)


def customer_notice(
    facts: ChangeFacts,
    *,
    customer: str,
    language: str,
    authorisation: str,
    objection_days: int | None,
    notice_on: date,
    sender: str,
) -> Letter:
    """The e-mail text (and the letter's paragraphs) of one customer's notice."""
    lang = "fi" if language == "fi" else "en"
    what = CHANGE_WORDS[lang][facts.change]
    where = _where(facts, lang)
    effective = lexicon.day(facts.effective_on, lang)
    if lang == "fi":
        subject = f"Ilmoitus alikäsittelijämuutoksesta: {facts.name}"
        lines = [
            f"Hyvä {customer},",
            "",
            f"ilmoitamme tietosuoja-asetuksen 28 artiklan 2 kohdan mukaisesti, että {what}.",
            "",
            f"Alikäsittelijä: {facts.name}",
            f"Käsittelymaa: {where}",
        ]
        if facts.replaces:
            lines.append(f"Korvattava alikäsittelijä: {facts.replaces}")
        if facts.purpose:
            lines.append(f"Käyttötarkoitus: {facts.purpose}")
        if facts.safeguard:
            lines.append(f"Siirron suojatoimet: {facts.safeguard}")
        lines.append(f"Muutos tulee voimaan aikaisintaan: {effective}")
        lines.append("")
        if authorisation == "specific":
            lines.append(
                "Sopimuksemme mukaan muutos edellyttää etukäteen annettua kirjallista "
                "suostumustanne. Emme ota alikäsittelijää käyttöön ennen suostumustanne."
            )
        else:
            deadline = lexicon.day(notice_on + _days(objection_days), lang)
            lines.append(
                f"Voitte vastustaa muutosta {deadline} mennessä vastaamalla tähän viestiin."
            )
        lines += ["", "Ystävällisin terveisin", sender]
    else:
        subject = f"Notice of a sub-processor change: {facts.name}"
        lines = [
            f"Dear {customer},",
            "",
            f"As required by Article 28(2) GDPR we inform you that {what}.",
            "",
            f"Sub-processor: {facts.name}",
            f"Country of processing: {where}",
        ]
        if facts.replaces:
            lines.append(f"Replaces: {facts.replaces}")
        if facts.purpose:
            lines.append(f"Purpose: {facts.purpose}")
        if facts.safeguard:
            lines.append(f"Transfer safeguard: {facts.safeguard}")
        lines.append(f"Takes effect no earlier than: {effective}")
        lines.append("")
        if authorisation == "specific":
            lines.append(
                "Under our agreement this change needs your prior written consent. We will not "
                "engage the sub-processor before you consent."
            )
        else:
            deadline = lexicon.day(notice_on + _days(objection_days), lang)
            lines.append(f"You may object to the change by {deadline} by replying to this message.")
        lines += ["", "Kind regards", sender]
    return Letter(subject, "\n".join(lines) + "\n")


def _days(days: int | None) -> timedelta:
    return timedelta(days=days or 0)


def subscriber_notice(facts: ChangeFacts, *, language: str, unsubscribe_url: str) -> Letter:
    lang = "fi" if language == "fi" else "en"
    what = CHANGE_WORDS[lang][facts.change]
    where = _where(facts, lang)
    effective = lexicon.day(facts.effective_on, lang)
    if lang == "fi":
        subject = f"Alikäsittelijämuutos: {facts.name}"
        body = (
            f"Tiedoksi: {what}.\n\nAlikäsittelijä: {facts.name}\nKäsittelymaa: {where}\n"
            f"Voimaan: {effective}\n\nPeru tilaus: {unsubscribe_url}\n"
        )
    else:
        subject = f"Sub-processor change: {facts.name}"
        body = (
            f"For your information: {what}.\n\nSub-processor: {facts.name}\n"
            f"Country of processing: {where}\nTakes effect: {effective}\n\n"
            f"Unsubscribe: {unsubscribe_url}\n"
        )
    return Letter(subject, body)


def confirmation(*, language: str, confirm_url: str, unsubscribe_url: str) -> Letter:
    if language == "fi":
        return Letter(
            "Vahvista alikäsittelijäsivun tilaus",
            "Vahvista alikäsittelijämuutosten tilaus avaamalla linkki 48 tunnin kuluessa:\n"
            f"{confirm_url}\n\nJos et tilannut ilmoituksia, voit jättää viestin huomiotta.\n"
            f"Peru tilaus: {unsubscribe_url}\n",
        )
    return Letter(
        "Confirm your sub-processor page subscription",
        "Confirm your subscription to sub-processor changes by opening this link within 48 "
        f"hours:\n{confirm_url}\n\nIf you did not subscribe, ignore this message.\n"
        f"Unsubscribe: {unsubscribe_url}\n",
    )
