"""The register-wide what-if: if the DPF falls, who is ready (a valid fallback) and who is
blocked, each listed by name."""

from __future__ import annotations

import re

from tests.web.conftest import Browser, People


async def _dpf_vendor(browser: Browser, vid: int, name: str, fallback: bool) -> None:
    await browser.get("/vendors/new")
    await browser.post("/vendors/new", {"name": name, "country": "US", "role": "processor"})
    await browser.get(f"/vendors/{vid}/agreements/new")
    await browser.post(
        f"/vendors/{vid}/agreements/new",
        {"kind": "scc_2021", "scc_module": "2", "status": "signed", "signed_on": "2024-01-01"},
    )
    transfer = {
        "exporter_role": "controller",
        "destination_country": "US",
        "mechanism": "dpf",
        "dpf_certified": "on",
        "dpf_verified_on": "2025-01-01",
        "started_on": "2024-01-01",
    }
    if fallback:
        transfer |= {"fallback_mechanism": "scc_2021", "scc_module": "2"}
    await browser.get(f"/vendors/{vid}/transfers/new")
    saved = await browser.post(f"/vendors/{vid}/transfers/new", transfer)
    assert saved.status_code == 303, saved.text
    if fallback:
        await browser.get(f"/transfers/{vid}/assessments/new")
        await browser.post(
            f"/transfers/{vid}/assessments/new",
            {
                "completed_on": "2024-06-01",
                "conclusion": "adequate_with_measures",
                "supplementary_measures": "Encryption",
                "next_review_on": "2030-01-01",
            },
        )


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("<h3", start + 1)]


async def test_the_what_if_lists_ready_and_blocked_vendors(
    browser: Browser, people: People
) -> None:
    await browser.login(people.legal)
    await _dpf_vendor(browser, 1, "Ready Cloud", fallback=True)
    await _dpf_vendor(browser, 2, "Stuck Analytics", fallback=False)
    page = (await browser.get("/lawful?dpf_falls_on=2026-01-01")).text
    ready, blocked = _section(page, "ready"), _section(page, "blocked")
    assert "Ready Cloud" in ready and "Stuck Analytics" not in ready, ready
    assert "Stuck Analytics" in blocked and "Ready Cloud" not in blocked
    assert re.search(r"Fallback: [^<]*Standard contractual clauses", ready, re.I), ready
