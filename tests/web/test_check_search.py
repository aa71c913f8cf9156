"""The procurement check forgives typos: a misspelt or partial name, words in another order, still
offer the registered vendor (issue 23 item 6), and a name far from every vendor offers none."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browser, People
from transfers.web.reads import similar_names

NAMES = ["Northwind Cloud LLC", "Zentick Support Inc.", "Licentia Distribution Ltd", "Pilvi Oy"]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("Northwnd", "Northwind Cloud LLC"),  # a letter missing, and only part of the name
        ("cloud northwind", "Northwind Cloud LLC"),  # words in another order
        ("zentik", "Zentick Support Inc."),
        ("Licensia distrib", "Licentia Distribution Ltd"),
    ],
)
def test_a_typo_or_a_part_offers_the_registered_name_first(typed: str, offered: str) -> None:
    assert similar_names(typed, NAMES)[:1] == [offered]


def test_a_name_like_none_offers_nothing() -> None:
    assert similar_names("Quantum Widgets", NAMES) == []


async def test_the_check_page_offers_the_vendor_for_a_misspelt_name(
    browser: Browser, people: People
) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    saved = await browser.post(
        "/vendors/new",
        {"name": "Northwind Cloud LLC", "country": "FI", "role": "processor", "status": "approved"},
    )
    assert saved.status_code == 303, saved.text
    page = (await browser.get("/check?q=Northwnd")).text
    assert "Did you mean" in page and "Northwind Cloud LLC" in page
