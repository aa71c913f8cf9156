"""Documents of a sub-processor chain (issue 27, items 2, 3 and 6), asserted from the DOCX text
a lawyer reads: a Finnish warranty vendor we engage as our customers' processor, and the Indian
diagnostics company it engages (a further sub-processor of ours) under SCC Module 3 with a TIA
of that onward transfer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api
from tests.document.test_documents import render

DOCS = "/api/v1/documents"


async def chain(api: Api) -> dict[str, Any]:
    org = await api.create(
        "/api/v1/organisations",
        {
            "name": "Esimerkki IT-Palvelut Oy",
            "business_id": "1234567-8",
            "address": "Esimerkkikatu 1, 00100 Helsinki",
            "country": "FI",
            "roles": ["controller", "processor"],
            "dpo_email": "tietosuoja@esimerkki.example",
            "signatory_name": "Matti Esimerkki",
            "signatory_title": "toimitusjohtaja",
        },
    )
    warranty = await api.create(
        "/api/v1/vendors",
        {
            "name": "Takuuhuolto Pohjola",
            "legal_name": "Takuuhuolto Pohjola Oy",
            "business_id": "2987654-3",
            "address": "Huoltotie 5, 33100 Tampere",
            "country": "FI",
            "role": "processor",
            "category": "device_warranty",
            "status": "approved",
            "signatory_name": "Pekka Pohjola",
            "signatory_title": "toimitusjohtaja",
        },
    )
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": warranty["id"],
            "organisation_id": org["id"],
            "service": "Warranty repairs",
            "our_role": "processor",
            "controller": "Our customers, each under its own data processing agreement",
            "nature": "Repairs of customers' laptops",
            "purposes": ["warranty service"],
            "data_categories": ["identity", "device_serial_numbers"],
            "data_subject_categories": ["customers' staff"],
            "technical_measures": "Encryption; role-based access",
            "translations": {
                "fi": {
                    "service": "Takuukorjaukset",
                    "controller": "Asiakkaamme, kukin oman tietojenkäsittelysopimuksensa nojalla",
                    "nature": "Asiakkaiden kannettavien tietokoneiden korjaukset",
                    "purposes": ["takuuhuolto"],
                    "data_subject_categories": ["asiakkaiden henkilöstö"],
                    "technical_measures": "Salaus; roolipohjainen pääsynhallinta",
                }
            },
        },
    )
    await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": warranty["id"],
            "organisation_id": org["id"],
            "kind": "dpa",
            "status": "signed",
            "signed_on": "2025-02-01",
            "effective_on": "2025-02-01",
            "subprocessor_authorisation": "general",
            "objection_period_days": 30,
        },
    )
    india = await api.create(
        "/api/v1/vendors",
        {
            "name": "Sahyadri Diagnostics",
            "legal_name": "Sahyadri Diagnostics Private Limited",
            "address": "Hinjewadi Phase 2, Pune 411057",
            "country": "IN",
            "role": "subprocessor",
            "category": "device_warranty",
            "status": "approved",
            "parent_vendor_ids": [warranty["id"]],
        },
    )
    scc = await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": india["id"],
            "kind": "scc_2021",
            "scc_module": 3,
            "status": "signed",
            "signed_on": "2025-03-01",
            "subprocessor_authorisation": "specific",
        },
    )
    onward = await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": india["id"],
            "exporter_role": "processor",
            "destination_country": "IN",
            "mechanism": "scc_2021",
            "scc_module": 3,
            "agreement_id": scc["id"],
            "transfer_type": "onward_transfer",
            "data_categories": ["identity", "device_serial_numbers"],
            "frequency": "systematic",
            "started_on": "2025-03-01",
        },
    )
    await api.create(
        "/api/v1/assessments",
        {
            "transfer_id": onward["id"],
            "completed_on": "2025-02-20",
            "conclusion": "adequate_with_measures",
            "supplementary_measures": "Remote sessions only over an encrypted tunnel",
        },
    )
    engaged = await api.put(
        f"/api/v1/vendors/{warranty['id']}/subprocessors/{india['id']}/engagement",
        json={"engaged_on": "2025-03-01"},
    )
    assert engaged.status_code == 200, engaged.text
    return {"org": org, "warranty": warranty, "india": india}


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_the_warranty_vendors_dpa_lists_its_chains_transfer(api: Api, language: str) -> None:
    """The transfers clause no longer says no transfer leaves the EU/EEA while Annex III lists
    an Indian sub-processor under SCCs: both name it, with the module and the TIA date."""
    r = await chain(api)
    _, text, _ = await render(
        api, {"kind": "dpa", "language": language, "vendor_id": r["warranty"]["id"]}
    )
    if language == "en":
        assert "records no transfer" not in text
        transfer_row = (
            "Sahyadri Diagnostics Private Limited (further sub-processor, via Takuuhuolto "
            "Pohjola Oy)\nIndia\nStandard contractual clauses (2021), Module 3 (transfer "
            "processor to processor)\nassessed on 20 February 2025"
        )
        annex_row = (
            "Sahyadri Diagnostics Private Limited, Hinjewadi Phase 2, Pune 411057\nIndia\n"
            "device warranty service\nfurther sub-processor, via Takuuhuolto Pohjola Oy\n"
            "Standard contractual clauses (2021), Module 3 (transfer processor to processor); "
            "transfer impact assessment: assessed on 20 February 2025"
        )
        assert "is a “further sub-processor”" in text
    else:
        assert "ei ole kirjattu" not in text
        transfer_row = (
            "Sahyadri Diagnostics Private Limited (jatkoalikäsittelijä, Takuuhuolto Pohjola Oy "
            "-yhtiön kautta)\nIntia\nEuroopan komission vakiosopimuslausekkeet (päätös (EU) "
            "2021/914), moduuli 3 (siirto käsittelijältä käsittelijälle)\ntehty 20.2.2025"
        )
        annex_row = (
            "Sahyadri Diagnostics Private Limited, Hinjewadi Phase 2, Pune 411057\nIntia\n"
            "laitteiden takuuhuolto\njatkoalikäsittelijä, Takuuhuolto Pohjola Oy -yhtiön kautta"
        )
        assert "on ”jatkoalikäsittelijä”" in text
    assert transfer_row in text, text
    assert annex_row in text, text


async def test_a_dpa_with_a_vendor_another_vendor_engaged_is_refused(api: Api) -> None:
    r = await chain(api)
    refused = await api.post(
        DOCS, json={"kind": "dpa", "language": "en", "vendor_id": r["india"]["id"]}
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert "engaged by Takuuhuolto Pohjola Oy" in problem["detail"]
    assert "not by us" in problem["detail"]
    assert problem["engaged_by"] == [
        {"vendor_id": r["warranty"]["id"], "name": "Takuuhuolto Pohjola Oy"}
    ]
    assert (await api.get(DOCS)).json()["total"] == 0
    # An agreement of our own with it makes it ours too: then the DPA is ours to make.
    await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": r["india"]["id"],
            "organisation_id": r["org"]["id"],
            "kind": "dpa",
            "status": "signed",
            "signed_on": "2025-04-01",
            "subprocessor_authorisation": "specific",
        },
    )
    ours = await api.post(
        DOCS, json={"kind": "dpa", "language": "en", "vendor_id": r["india"]["id"]}
    )
    assert ours.status_code == 201, ours.text


@pytest.mark.parametrize("language", ["en", "fi"])
async def test_the_signature_block_names_who_signs(api: Api, language: str) -> None:
    r = await chain(api)
    _, text, _ = await render(
        api, {"kind": "dpa", "language": language, "vendor_id": r["warranty"]["id"]}
    )
    line = "Name and title: " if language == "en" else "Nimenselvennys ja asema: "
    assert f"{line}Matti Esimerkki, toimitusjohtaja" in text
    assert f"{line}Pekka Pohjola, toimitusjohtaja" in text
    # A party without a recorded signatory keeps a line to fill in, never "not specified".
    current = (await api.get(f"/api/v1/vendors/{r['warranty']['id']}")).json()
    cleared = await api.patch(
        f"/api/v1/vendors/{r['warranty']['id']}",
        json={"signatory_name": None, "signatory_title": None},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["signatory_name"] is None
    _, text, _ = await render(
        api, {"kind": "dpa", "language": language, "vendor_id": r["warranty"]["id"]}
    )
    assert f"{line}______________________________" in text
    assert "Pekka Pohjola" not in text


async def test_the_sub_processor_list_reports_the_period_since_its_previous_version(
    api: Api, on_today: date
) -> None:
    """One version chain per list; each version's change table covers exactly the days since
    the version before it, with before -> after for a changed row."""
    r = await chain(api)
    first, text, _ = await render(
        api, {"kind": "subprocessor_list", "language": "en", "as_of": "2026-11-24"}
    )
    assert "Changes since 1 January 2026" in text
    assert (
        "Sahyadri Diagnostics Private Limited, Hinjewadi Phase 2, Pune 411057\n"
        "device warranty service\nIndia\nvia Takuuhuolto Pohjola Oy\n"
        "Standard contractual clauses (2021), Module 3" in text
    )
    assert (
        "Takuuhuolto Pohjola Oy, Huoltotie 5, 33100 Tampere\nWarranty repairs\nFinland\ndirect"
        in text
    )

    # The Indian company moves, then the warranty vendor engages a German one: the chain
    # changed, so the list gets its next version at once.
    current = (await api.get(f"/api/v1/vendors/{r['india']['id']}")).json()
    moved = await api.patch(
        f"/api/v1/vendors/{r['india']['id']}",
        json={"address": "Magarpatta City, Pune 411013"},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    await api.create(
        "/api/v1/vendors",
        {
            "name": "Ersatzteil Logistik GmbH",
            "country": "DE",
            "role": "subprocessor",
            "category": "logistics",
            "status": "approved",
            "parent_vendor_ids": [r["warranty"]["id"]],
        },
    )
    lists = (await api.get(DOCS, params={"kind": "subprocessor_list"})).json()["items"]
    assert [d["supersedes_id"] for d in lists] == [first["id"], None]
    second = lists[0]
    text = await _text(api, second)
    assert "Changes since the previous version of this list (24 November 2026)" in text
    assert "added\nErsatzteil Logistik GmbH\nTakuuhuolto Pohjola Oy\n1 December 2026" in text
    assert (
        "changed\nSahyadri Diagnostics Private Limited\nTakuuhuolto Pohjola Oy\n"
        "1 December 2026\naddress: Hinjewadi Phase 2, Pune 411057 → Magarpatta City, Pune 411013"
    ) in text
    # The engagement of 1 March 2025 was reported by the first version, not again.
    assert "1 March 2025" not in text

    # Asking for the list again makes its next version, never a parallel list.
    third, text, _ = await render(api, {"kind": "subprocessor_list", "language": "en"})
    assert third["supersedes_id"] == second["id"]
    lists = (await api.get(DOCS, params={"kind": "subprocessor_list"})).json()["items"]
    assert [d["id"] for d in lists if d["superseded_by"] is None] == [third["id"]]
    assert "No changes since the previous version of this list (1 December 2026)." in text


async def _text(api: Api, document: dict[str, Any]) -> str:
    from transfers.document.render import document_text

    download = await api.get(document["content_url"])
    assert download.status_code == 200
    return document_text(download.content)
