"""Uploaded templates cannot freeze the server: size, sandbox budget, worker limits, revert."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

import pytest
from docx import Document as Docx

from tests.conftest import Api, Database
from tests.document.test_documents import register, render
from transfers.document.limits import Limits, check_archive
from transfers.document.render import RenderError, builtin_template, render_docx, validate_template
from transfers.document.service import sample_context
from transfers.document.worker import BudgetExceeded, run_limited

TEMPLATES = "/api/v1/document-templates"
#: Memory and CPU are what these tests are about; the wall-clock budget only has to outlast a
#: worker's start on a busy machine (seen: over 20 s at a load of 7 on two cores).
SMALL = Limits(memory_bytes=512 * 2**20, cpu_seconds=2, wall_seconds=300)


def _template_with(*paragraphs: str) -> bytes:
    doc = Docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_part(docx: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info.filename))
        dst.writestr(name, data)
    return out.getvalue()


def zip_bomb(size: int = 200 * 2**20) -> bytes:
    """A valid .docx with one extra part of ``size`` zero bytes (a few hundred KB zipped)."""
    return _with_part(_template_with("{{ vendor.name }}"), "word/media/bomb.bin", b"\0" * size)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""


def test_a_zip_bomb_is_refused_from_its_declared_size() -> None:
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000
    with pytest.raises(RenderError, match=r"unpacks to 200\.\d MB; the limit is 16\.0 MB"):
        check_archive(bomb)


def test_a_zip_lying_about_its_size_is_refused_when_read() -> None:
    bomb = bytearray(zip_bomb(20 * 2**20))
    # Rewrite the declared uncompressed size of the bomb part in the central directory to 1 KB.
    with zipfile.ZipFile(io.BytesIO(bytes(bomb))) as archive:
        info = archive.getinfo("word/media/bomb.bin")
    central = bytes(bomb).rindex(b"PK\x01\x02", 0, bytes(bomb).rindex(b"word/media/bomb.bin"))
    bomb[central + 24 : central + 28] = (1024).to_bytes(4, "little")
    assert info.file_size == 20 * 2**20
    with pytest.raises(RenderError, match=r"unpacks to more than|damaged part"):
        check_archive(bytes(bomb))


def test_a_docx_with_too_many_parts_is_refused() -> None:
    with pytest.raises(RenderError, match=r"parts; a \.docx may have at most 5"):
        check_archive(_template_with("x"), limits=Limits(entries=5))


def test_a_part_in_utf8_with_a_byte_order_mark_is_still_accepted() -> None:
    template = _template_with("Hello {{ vendor.name }}")
    with zipfile.ZipFile(io.BytesIO(template)) as z:
        document = z.read("word/document.xml")
    assert (
        validate_template(
            _with_part(template, "word/document.xml", b"\xef\xbb\xbf" + document), "dpa"
        )
        == []
    )


@pytest.mark.parametrize(
    ("part", "data", "why"),
    [
        ("word/document.xml", BILLION_LAUGHS, "declares a DTD or entities in word/document.xml"),
        ("word/styles.xml", b"<w:styles><unclosed>", "invalid XML in word/styles.xml"),
        ("word/document.xml", b"\xff\xfe not xml", "not UTF-8 XML: word/document.xml"),
        # The DTD check reads bytes: in another encoding "<!DOCTYPE" is other bytes (issue 22).
        ("word/document.xml", BILLION_LAUGHS.decode().encode("utf-16"), "not UTF-8 XML"),
        ("word/document.xml", BILLION_LAUGHS.decode().encode("utf-16-le"), "not UTF-8 XML"),
        ("word/document.xml", BILLION_LAUGHS.decode().encode("utf-16-be"), "not UTF-8 XML"),
        ("word/document.xml", BILLION_LAUGHS.decode().encode("utf-32"), "not UTF-8 XML"),
        (
            "word/document.xml",
            BILLION_LAUGHS.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"'),
            "not UTF-8 XML",
        ),
        ("word/document.xml", BILLION_LAUGHS.decode().encode("cp037"), "not UTF-8 XML"),
    ],
)
def test_malformed_xml_and_entities_are_problems_not_crashes(
    part: str, data: bytes, why: str
) -> None:
    problems = validate_template(_with_part(_template_with("x"), part, data), "dpa")
    assert len(problems) == 1 and why in problems[0]


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ('{{ "a" * 10**8 }}', "repeats a value to 100,000,000 items"),
        ("{{ [1] * 10**7 }}", "repeats a value to 10,000,000 items"),
        ("{{ 9 ** 99999999 }}", "power above 1024"),
        ("{% for i in range(20000) %}{% for j in range(20000) %}{% endfor %}{% endfor %}", "loops"),
        ('{{ "x".ljust(10**9) }}', "limit is 1,000,000"),
        ('{{ "ab" | center(10**8) }}', "limit is 1,000,000"),
    ],
)
def test_the_sandbox_caps_what_a_template_builds(source: str, why: str) -> None:
    problems = validate_template(_template_with(source), "dpa", sample_context("dpa", "en"))
    assert len(problems) == 1 and "over its budget" in problems[0] and why in problems[0]


def test_the_built_in_templates_fit_the_budget_in_a_worker() -> None:
    for kind in ("dpa", "record_extract"):
        problems = run_limited(
            validate_template, builtin_template("en", kind), kind, sample_context(kind, "en")
        )
        assert problems == []


def _spin(seconds: int) -> None:
    while True:
        pass


def _hog() -> bytes:
    return b"x" * (2 * 2**30)


def _fail() -> None:
    raise RenderError("the template could not be rendered: nope")


def test_the_worker_stops_a_job_over_its_cpu_budget() -> None:
    with pytest.raises(BudgetExceeded, match="more than 1 s of CPU"):
        run_limited(_spin, 60, limits=Limits(cpu_seconds=1, wall_seconds=60))


def test_the_worker_stops_a_job_over_its_wall_clock_budget() -> None:
    with pytest.raises(BudgetExceeded, match=r"longer than 0\.5 s"):
        run_limited(_spin, 60, limits=Limits(cpu_seconds=60, wall_seconds=0.5))


def test_the_worker_stops_a_job_over_its_memory_budget() -> None:
    with pytest.raises(BudgetExceeded, match="more than 512 MB of memory"):
        run_limited(_hog, limits=SMALL)


def test_the_worker_reports_the_job_s_own_error() -> None:
    with pytest.raises(RenderError, match="nope"):
        run_limited(_fail, limits=SMALL)


def test_a_render_in_the_worker_is_the_same_document() -> None:
    template, context = builtin_template("en", "dpa"), sample_context("dpa", "en")
    from transfers.document.render import document_text

    assert document_text(run_limited(render_docx, template, context)) == document_text(
        render_docx(template, context)
    )


async def upload(api: Api, content: bytes, role: str = "legal", language: str = "en") -> Any:
    return await api.post(
        TEMPLATES,
        data={"kind": "dpa", "language": language},
        files={"file": ("t.docx", content, "application/octet-stream")},
        role=role,
    )


async def test_a_zip_bomb_or_a_runaway_template_is_a_422_that_changes_nothing(api: Api) -> None:
    before = (await api.get(TEMPLATES)).json()
    for content, why in (
        (zip_bomb(), "unpacks to"),
        (_template_with('{{ "a" * 10**8 }}'), "over its budget"),
        (_template_with("{% for i in range(200000) %}{{ i }}{% endfor %}"), "loops"),
        (_with_part(_template_with("x"), "word/document.xml", BILLION_LAUGHS), "DTD"),
        (
            _with_part(
                _template_with("x"), "word/document.xml", BILLION_LAUGHS.decode().encode("utf-16")
            ),
            "not UTF-8 XML",
        ),
    ):
        response = await upload(api, content)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert why in response.json()["detail"]
        assert response.json()["errors"][0]["field"] == "file"
    assert (await api.get(TEMPLATES)).json() == before


async def test_revert_returns_to_the_built_in_template(api: Api) -> None:
    custom = await upload(api, _template_with("Custom DPA for {{ vendor.name }}"))
    assert custom.status_code == 201, custom.text
    r = await register(api)
    meta, text, _ = await render(api, {"kind": "dpa", "vendor_id": r["ireland"]["id"]})
    assert meta["template_version"] == "v1" and "Custom DPA for" in text
    assert (await api.post(f"{TEMPLATES}/dpa/en/revert", role="procurement")).status_code == 403
    assert (await api.post(f"{TEMPLATES}/memo/en/revert")).status_code == 422
    assert (await api.post(f"{TEMPLATES}/dpa/sv/revert")).status_code == 422
    reverted = await api.post(f"{TEMPLATES}/dpa/en/revert")
    assert reverted.status_code == 201, reverted.text
    assert reverted.json()["version"] == 2
    meta, text, _ = await render(api, {"kind": "dpa", "vendor_id": r["ireland"]["id"]})
    assert meta["template_version"] == "builtin" and "Custom DPA" not in text
    audit = (await api.get("/api/v1/audit", params={"entity_type": "document_template"})).json()
    assert "revert" in [e["action"] for e in audit["items"]]


async def test_the_cli_reverts_to_the_built_in_template(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from transfers.cli import main
    from transfers.settings import get_settings

    assert (
        await upload(api, _template_with("Custom DPA for {{ vendor.name }}"))
    ).status_code == 201
    monkeypatch.setenv("TRANSFERS_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        result = await asyncio.to_thread(
            CliRunner().invoke, main, ["docs", "revert-template", "dpa", "en"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "built-in template in use again (version 2)" in result.output
    r = await register(api)
    meta, text, _ = await render(api, {"kind": "dpa", "vendor_id": r["ireland"]["id"]})
    assert meta["template_version"] == "builtin" and "Custom DPA" not in text
