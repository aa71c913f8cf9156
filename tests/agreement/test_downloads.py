"""Attachments download under any Unicode name, only safe types are served as themselves."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests import factories
from tests.conftest import Api
from transfers.common.text import content_disposition

AGREEMENTS = "/api/v1/agreements"


async def attach(api: Api, name: str, content: bytes, content_type: str) -> tuple[int, object]:
    v = await factories.vendor(api)
    a = await factories.agreement(api, v["id"])
    up = await api.post(
        f"{AGREEMENTS}/{a['id']}/attachments", files={"file": (name, content, content_type)}
    )
    return a["id"], up


@pytest.mark.parametrize("name", ["合同.pdf", "Sopimus, allekirjoitettu ÄÖ.pdf", "dpa.pdf"])
async def test_any_unicode_name_downloads_as_itself(api: Api, name: str) -> None:
    agreement_id, up = await attach(api, name, b"%PDF-1.4", "application/pdf")
    assert up.status_code == 201, up.text  # type: ignore[attr-defined]
    meta = up.json()  # type: ignore[attr-defined]
    got = await api.get(f"{AGREEMENTS}/{agreement_id}/attachments/{meta['id']}/content")
    assert got.status_code == 200
    header = got.headers["content-disposition"]
    assert header.startswith('attachment; filename="')
    header.encode("latin-1")  # a header value a server can send
    if name.isascii():
        assert header == f'attachment; filename="{name}"'
    else:
        assert unquote(header.split("filename*=UTF-8''")[1]) == name
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"] == "sandbox"


@pytest.mark.parametrize(
    ("sent", "served"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png", "image/png"),
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
    ],
)
async def test_only_allowlisted_types_are_served_as_themselves(
    api: Api, sent: str, served: str
) -> None:
    agreement_id, up = await attach(api, "x.bin", b"<script>alert(1)</script>", sent)
    meta = up.json()  # type: ignore[attr-defined]
    got = await api.get(f"{AGREEMENTS}/{agreement_id}/attachments/{meta['id']}/content")
    assert got.headers["content-type"].split(";")[0] == served
    assert got.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "name", ["evil\u0000.pdf", "bell\u0007.pdf", "tab\tname.pdf", "x" * 300 + ".pdf"]
)
async def test_a_bad_file_name_is_a_422_and_stores_nothing(api: Api, name: str) -> None:
    v = await factories.vendor(api)
    a = await factories.agreement(api, v["id"])
    # Written by hand: HTTP clients percent-encode such names, an attacker's client need not.
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + name.encode() + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n--XyZ--\r\n"
    )
    up = await api.post(
        f"{AGREEMENTS}/{a['id']}/attachments",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=XyZ"},
    )
    assert up.status_code == 422, up.text
    assert up.json()["errors"][0]["field"] == "file"
    assert (await api.get(f"{AGREEMENTS}/{a['id']}/attachments")).json() == []


def test_content_disposition_falls_back_to_ascii() -> None:
    assert content_disposition("合同.pdf") == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf"
    )
    assert content_disposition('a"b.pdf').startswith('attachment; filename="a_b.pdf"')
