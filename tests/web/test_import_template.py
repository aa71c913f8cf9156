"""Import for people (issue 23 part 10): a downloadable XLSX template with help on each column
and drop-down lists of the codes, which imports as it is once filled in; problems and their fixes
in the UI language."""

from __future__ import annotations

import io
import re
from html import unescape

import openpyxl

from tests.web.conftest import Browser, People


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def fi(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    await browser.get("/import")
    await browser.post("/language", {"language": "fi", "next": "/import"})


async def upload(browser: Browser, name: str, content: bytes, media: str) -> str:
    page = (await browser.get("/import")).text
    assert 'href="/import/template"' in page
    response = await browser.client.post(
        "/import",
        data={"csrf_token": browser.csrf},
        files={"file": (name, content, media)},
        follow_redirects=False,
    )
    assert response.status_code in (200, 422), response.text
    return response.text


async def test_the_template_has_help_and_drop_downs_and_imports_once_filled(
    browser: Browser, people: People
) -> None:
    await fi(browser, people)
    response = await browser.get("/import/template")
    assert response.status_code == 200
    assert "tuontipohja.xlsx" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:4] == ["toimittajat", "sopimukset", "siirrot", "alikäsittelijät"]
    vendors = book["toimittajat"]
    headers = [c.value for c in vendors[1]]
    assert headers[:4] == ["name", "business_id", "legal_name", "country"]
    role = vendors.cell(row=1, column=headers.index("role") + 1)
    assert role.comment is not None and "processor = käsittelijä" in role.comment.text
    business_id = vendors.cell(row=1, column=2)
    assert business_id.comment is not None and "Y-tunnus / rekisteritunnus" in (
        business_id.comment.text
    )
    # Drop-downs: the role column takes the API's four roles, the country column every country.
    rules = {str(v.sqref): v for v in vendors.data_validations.dataValidation}
    role_letter = openpyxl.utils.get_column_letter(headers.index("role") + 1)
    role_rule = rules[f"{role_letter}2:{role_letter}1001"]
    assert role_rule.type == "list"
    sheet, cells = role_rule.formula1.split("!")
    listed = [c.value for row in book[sheet.strip("'")][cells.replace("$", "")] for c in row]
    assert listed == ["processor", "subprocessor", "controller", "joint_controller"]
    transfers = book["siirrot"]
    assert any(v.type == "list" for v in transfers.data_validations.dataValidation)

    # Filled in, the template imports as it is (the lists sheet is skipped without a word).
    vendors.append(["Fjord Analytics AS", "NO-998877", None, "NO", "processor"])
    transfers.append(["Fjord Analytics AS", "NO-998877", "NO", "adequacy"])
    out = io.BytesIO()
    book.save(out)
    page = await upload(
        browser,
        "tuontipohja.xlsx",
        out.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    text = plain(page)
    assert 'name="pending"' in page, text[:2000]  # a clean dry run, waiting to be confirmed
    assert "ohitettiin" not in text and "was ignored" not in text


async def test_import_problems_and_fixes_are_in_finnish(browser: Browser, people: People) -> None:
    await fi(browser, people)
    csv = (
        "name,business_id,country,role,destination_country,mechanism,scc_module\n"
        "Fjord Analytics AS,NO-998877,Atlantis,processor,NO,SCC,\n"
    )
    text = plain(await upload(browser, "vendors.csv", csv.encode(), "text/csv"))
    assert "Tuntematon maa 'Atlantis'" in text
    assert "Käytä ISO 3166-1 -koodia" in text
    assert "Siirtoperuste 'SCC' on monitulkintainen" in text
    assert "unknown country" not in text and "Use an ISO" not in text
