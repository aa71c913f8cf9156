"""Pickers instead of ids, the missing-data checklist and safe notice decisions (issue 23 items
2, 3 and 9), as a person's browser sends and reads them."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import Api, Keys
from tests.web.conftest import Browser, People


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    """The API on the browser's own client: one app lifespan per test, not two."""
    return Api(browser.client, keys)


NOTICE = {
    "change": "added",
    "subprocessor_name": "Bulk Send Inc.",
    "subprocessor_country": "US",
    "purpose": "E-mail delivery",
    "mechanism": "none",
    "received_on": "2024-05-01",
    "effective_on": "2024-06-01",
}


async def _blocking_notice(api: Api, browser: Browser, people: People) -> int:
    v = await factories.vendor(api, name="Liffey Mail Ltd", country="IE", status="approved")
    await factories.agreement(
        api, v["id"], subprocessor_authorisation="general", objection_period_days=30
    )
    await factories.transfer(
        api, v["id"], destination_country="IE", mechanism="none", scc_module=None
    )
    await browser.login(people.legal)
    await browser.get(f"/vendors/{v['id']}/notices/new")
    created = await browser.post(f"/vendors/{v['id']}/notices/new", NOTICE)
    assert created.status_code == 303, created.text
    return int(created.headers["location"].rsplit("/", 1)[1])


async def test_when_accepting_blocks_objecting_comes_first_and_accepting_needs_a_confirmation(
    api: Api, browser: Browser, people: People
) -> None:
    notice_id = await _blocking_notice(api, browser, people)
    page = (await browser.get(f"/notices/{notice_id}")).text
    decide = page[page.index('id="decide"') :]
    assert decide.index("/object") < decide.index("/accept"), "objecting is offered first"
    assert re.search(r'<button class="primary">Object</button>', decide)
    assert '<button class="primary">Accept the change' not in decide
    blocks = re.search(r'<p class="alert" id="blocks">Accepting blocks: ([^<]*)\.</p>', decide)
    assert blocks and "Liffey Mail Ltd" in blocks.group(1), decide
    refused = await browser.post(f"/notices/{notice_id}/accept", {"version": "1"})
    assert refused.status_code == 422
    assert 'id="confirm-error"' in refused.text
    assert "pending" in (await browser.get(f"/notices/{notice_id}")).text
    accepted = await browser.post(f"/notices/{notice_id}/accept", {"version": "1", "confirm": "on"})
    assert accepted.status_code == 303
    assert "accepted" in (await browser.get(f"/notices/{notice_id}")).text


async def test_the_transfer_form_picks_the_agreement_by_its_label_and_proposes_the_fitting_one(
    api: Api, browser: Browser, people: People
) -> None:
    v = await factories.vendor(api, name="Cloudy Inc", country="US", role="processor")
    await factories.agreement(api, v["id"], kind="dpa", signed_on="2026-01-05", status="signed")
    scc = await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, status="signed", signed_on="2026-11-20"
    )
    await browser.login(people.legal)
    page = (await browser.get(f"/vendors/{v['id']}/transfers/new")).text
    assert "(id)" not in page
    picker = page[
        page.index('name="agreement_id"') : page.index(
            "</select>", page.index('name="agreement_id"')
        )
    ]
    assert re.search(
        rf'<option value="{scc["id"]}" selected>Standard contractual clauses[^<]*, module 2, '
        r"signed 2026-11-20",
        picker,
    ), picker
    assert 'name="limited_data_subjects"' in page and 'name="processing_id"' in page


async def test_a_vendor_with_missing_data_lists_each_item_with_a_link_to_its_field(
    api: Api, browser: Browser, people: People
) -> None:
    await factories.organisation(api)
    v = await factories.vendor(api, name="Cloudy Inc", country="US", role="processor")
    agreement = await factories.agreement(api, v["id"], kind="dpa", status="signed")
    await browser.login(people.legal)
    page = (await browser.get(f"/vendors/{v['id']}")).text
    missing = page[page.index('id="missing"') : page.index("</div>", page.index('id="missing"'))]
    assert "agreement.subprocessor_authorisation" not in page, "no field path on the page"
    assert "Processing: Purposes" not in missing, "a missing processing is one item, not six"
    assert f'href="/vendors/{v["id"]}/processings/new"' in missing
    generated = await browser.post(
        "/documents", {"kind": "dpa", "language": "en", "vendor_id": str(v["id"])}
    )
    assert generated.status_code == 422
    assert "The document cannot be generated yet" in generated.text
    shown = re.sub(r"<[^>]+>", " ", generated.text)
    assert "Data processing agreement: Sub-processor authorisation" in shown
    assert not re.search(r"\b[a-z]+\.[a-z_]+\b", shown.split("</h1>")[-1]), "no field path"
    fix = re.search(r'href="(/agreements/\d+/edit#f-subprocessor_authorisation)"', missing)
    assert (
        fix and fix.group(1) == f"/agreements/{agreement['id']}/edit#f-subprocessor_authorisation"
    )


HIDDEN = re.compile(r'name="orig-([a-z_.]+)" value="([^"]*)"')


def _as_sent(page: str) -> dict[str, str]:
    """What the browser sends back untouched: every field as shown, with its original."""
    form = {f"orig-{name}": value for name, value in HIDDEN.findall(page)}
    form |= {name: value for name, value in HIDDEN.findall(page)}
    form["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return {k: v.replace("&#39;", "'") for k, v in form.items()}


async def test_editing_one_part_of_a_nested_value_keeps_the_other_parts(
    api: Api, browser: Browser, people: People
) -> None:
    """Clause elections and Finnish/English texts are parts of one stored value: a form
    changes only the part the person changed."""
    v = await factories.vendor(api, name="Cloudy Inc", country="US", role="processor")
    scc = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        scc_clauses={"docking_clause": False, "redress_body": "FIN-NET", "forum": "SE"},
    )
    processing = await api.create(
        "/api/v1/processings",
        {
            "vendor_id": v["id"],
            "service": "Analytics",
            "translations": {
                "en": {"service": "Analytics"},
                "fi": {"service": "Analytiikka", "measures_catalogue": {"logging": "Lokit"}},
            },
        },
    )
    await browser.login(people.legal)
    form = _as_sent((await browser.get(f"/agreements/{scc['id']}/edit")).text)
    assert form["scc_clauses.redress_body"] == "FIN-NET" and form["scc_clauses.forum"] == "SE"
    form["scc_clauses.governing_law"] = "SE"
    saved = await browser.post(f"/agreements/{scc['id']}/edit", form)
    assert saved.status_code == 303, saved.text
    clauses = (await api.get(f"/api/v1/agreements/{scc['id']}")).json()["scc_clauses"]
    assert clauses == {
        "docking_clause": False,
        "redress_body": "FIN-NET",
        "supervisory_authority": None,
        "governing_law": "SE",
        "governing_law_option": 1,
        "forum": "SE",
    }

    form = _as_sent((await browser.get(f"/processings/{processing['id']}/edit")).text)
    assert form["translations.fi.service"] == "Analytiikka"
    form["translations.fi.nature"] = "Käyttötietojen analyysi"
    form["translations.en.service"] = ""
    saved = await browser.post(f"/processings/{processing['id']}/edit", form)
    assert saved.status_code == 303, saved.text
    texts = (await api.get(f"/api/v1/processings/{processing['id']}")).json()["translations"]
    assert texts == {
        "fi": {
            "service": "Analytiikka",
            "nature": "Käyttötietojen analyysi",
            "measures_catalogue": {"logging": "Lokit"},
        }
    }
