"""Text from outside (file names, spreadsheet cells, headers): one check, one set of rules.

Control characters, and the other characters XML 1.0 cannot hold (lone surrogates, U+FFFE,
U+FFFF), are refused wherever text enters (NUL fails on PostgreSQL and ``\\u0001`` or ``\\uffff``
corrupts an XLSX export for everyone); what was stored before is made safe on the way out
(:func:`xml_safe`); download names are sent per RFC 6266 so any Unicode name
works; attachments are served with their own type only when it is on an allowlist.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import quote

from transfers.common.problems import CONTROL_CHARACTERS, invalid

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CONTROL_MULTILINE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: What XML 1.0 cannot hold (its ``Char`` production): an XLSX cell or a DOCX run with one of
#: these is a broken file.
_NOT_XML: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Types a browser may show inline from an attachment; anything else (HTML, SVG, scripts) is
#: served as ``application/octet-stream``. SVG is left out on purpose: it can carry script.
SAFE_CONTENT_TYPES: Final = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
    }
)
#: Sent with every attachment download: no sniffing, no script even if a browser renders it.
ATTACHMENT_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
}


def has_control(text: str, *, multiline: bool = False) -> bool:
    return bool((_CONTROL_MULTILINE if multiline else _CONTROL).search(text))


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD, for output that is
    XML (XLSX, DOCX): a row stored before the edge refused them must not break every export."""
    return _NOT_XML.sub("\ufffd", text)


def check_text(text: str, field: str, *, multiline: bool = False) -> str:
    """``text`` unchanged, or a 422 naming ``field`` if it holds a control character."""
    if has_control(text, multiline=multiline):
        raise invalid(f"{field} {CONTROL_CHARACTERS}.", field=field)
    return text


def check_filename(name: str | None, *, field: str = "file", max_length: int = 255) -> str:
    """An uploaded file's name: no control characters, no longer than its column."""
    name = (name or "").strip()
    check_text(name, field)
    if len(name) > max_length:
        raise invalid(
            f"the file name is {len(name)} characters; at most {max_length} are kept.", field=field
        )
    return name


def safe_content_type(content_type: str | None) -> str:
    """The stored type if it is on :data:`SAFE_CONTENT_TYPES`, else ``application/octet-stream``."""
    base = (content_type or "").split(";")[0].strip().lower()
    return base if base in SAFE_CONTENT_TYPES else "application/octet-stream"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and ``filename*`` (RFC 8187, UTF-8) with
    the exact name, so that ``合同.pdf`` downloads as itself."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c if c.isalnum() or c in "._- " else "_" for c in ascii_name).strip()
    stem, dot, suffix = ascii_name.rpartition(".")
    if not (stem if dot else suffix).strip("._ "):  # nothing left of the name but its suffix
        ascii_name = f"download.{suffix}" if dot and suffix else "download"
    header = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
