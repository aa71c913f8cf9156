"""Budgets for untrusted templates: what a .docx may unpack to and what a template may build.

An uploaded template is code written by a legal-role user. A 4 MB zip bomb unpacked to 6 GB and
``{{ "a"*10**8 }}`` or a 20k x 20k loop froze the server (issue 9). These checks refuse such a
template cheaply and early; the worker process (:mod:`transfers.document.worker`) is the backstop
with operating-system limits on memory, CPU and wall-clock time.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Budgets for one template check or render (defaults fit the built-in templates 10x over)."""

    unpacked_bytes: int = 16 * MB
    """A .docx whose parts add up to more than this (declared or actually read) is refused."""
    entries: int = 1000
    """Parts in the zip; a real document has a few dozen."""
    memory_bytes: int = 1024 * MB
    """Address space of the worker process (RLIMIT_AS)."""
    cpu_seconds: int = 10
    """CPU time of the worker process (RLIMIT_CPU)."""
    wall_seconds: float = 30.0
    """Wall-clock time before the worker is killed (a busy machine slows it, so above CPU)."""
    text_chars: int = 1_000_000
    """Longest string or list a template expression may build."""
    loop_items: int = 100_000
    """Items ``range()`` may hand out in one render, over all loops together."""
    concurrent: int = 2
    """Worker processes at once; further renders wait their turn off the event loop."""


LIMITS = Limits()


class BudgetError(SecurityError):
    """A template tried to build more than its budget allows."""


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def check_archive(data: bytes, *, limits: Limits = LIMITS, what: str = "template") -> None:
    """Refuse a .docx that unpacks beyond ``limits.unpacked_bytes`` (declared sizes first, then the
    bytes actually inflated, so a zip that lies in its headers is caught too) or that declares a
    DTD or entities (never needed in OOXML; the way to a billion-laughs expansion)."""
    from transfers.document.render import RenderError

    try:
        archive = zipfile.ZipFile(_bytes_io(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise RenderError(f"the {what} is not a valid .docx: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.entries:
            raise RenderError(
                f"the {what} has {len(infos)} parts; a .docx may have at most {limits.entries}"
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.unpacked_bytes:
            raise RenderError(
                f"the {what} unpacks to {_mb(declared)}; the limit is {_mb(limits.unpacked_bytes)}"
            )
        total = 0
        for info in infos:
            xml = info.filename.endswith((".xml", ".rels"))
            head = b""
            try:
                with archive.open(info) as part:
                    for chunk in _chunks(part.read):
                        total += len(chunk)
                        if total > limits.unpacked_bytes:
                            raise RenderError(
                                f"the {what} unpacks to more than {_mb(limits.unpacked_bytes)}"
                                " (more than its zip headers declare)"
                            )
                        if xml and not head and not _utf8_xml(chunk):
                            raise RenderError(
                                f"the {what} has a part that is not UTF-8 XML: {info.filename}; "
                                "save the document from Word again"
                            )
                        if xml and _declares_dtd(head + chunk):
                            raise RenderError(
                                f"the {what} declares a DTD or entities in {info.filename}; "
                                "a .docx never needs them and they are not accepted"
                            )
                        head = chunk[-16:] if xml else b""
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise RenderError(f"the {what} has a damaged part {info.filename}: {exc}") from exc


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def _chunks(read: Callable[[int], bytes], size: int = 256 * 1024) -> Iterator[bytes]:
    while chunk := read(size):
        yield chunk


_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def _utf8_xml(first: bytes) -> bool:
    """Whether an XML part is UTF-8 (as Word writes every part): the DTD check reads bytes, and
    in UTF-16, UTF-32 or EBCDIC ``<!DOCTYPE`` is other bytes, which libxml2 would decode and
    obey. An ASCII ``<`` first (after a UTF-8 BOM and blanks), no NUL byte, and no other
    encoding declared."""
    head = first[:512].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not head:
        return True
    if not head.startswith(b"<") or b"\x00" in head:
        return False
    declared = _XML_ENCODING.match(head)
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8", b"us-ascii")


def _declares_dtd(text: bytes) -> bool:
    upper = text.upper()
    return b"<!DOCTYPE" in upper or b"<!ENTITY" in upper


_SIZED_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


class BudgetedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with a cap on what expressions build: ``*``, ``**`` and ``+`` on strings
    and lists, padding methods, filter results and the total of ``range()`` items in a render."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, *, limits: Limits = LIMITS, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        self.loop_items = 0
        self.globals["range"] = self._range
        self.filters = {name: self._capped(f) for name, f in self.filters.items()}

    def _check_size(self, value: Any) -> Any:
        if isinstance(value, str | bytes | list | tuple) and len(value) > self.limits.text_chars:
            raise BudgetError(
                f"the template builds a value of {len(value):,} items; the limit is "
                f"{self.limits.text_chars:,}"
            )
        return value

    def _capped(self, f: Callable[..., Any]) -> Callable[..., Any]:
        def capped(*args: Any, **kwargs: Any) -> Any:
            return self._check_size(f(*args, **kwargs))

        for attr in ("jinja_pass_arg", "__name__", "__doc__"):
            if hasattr(f, attr):
                setattr(capped, attr, getattr(f, attr))
        return capped

    def _range(self, *args: int) -> range:
        items = range(*args)
        self.loop_items += len(items)
        if self.loop_items > self.limits.loop_items:
            raise BudgetError(
                f"the template's loops ask for more than {self.limits.loop_items:,} items"
            )
        return items

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        limit = self.limits.text_chars
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > limit:
                    raise BudgetError(
                        f"the template repeats a value to {len(seq) * times:,} items; the "
                        f"limit is {limit:,}"
                    )
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > 1024:
                raise BudgetError("the template raises a number to a power above 1024")
        elif operator == "+" and all(isinstance(x, str | list | tuple) for x in (left, right)):
            self._check_size_of(len(left) + len(right))
        return self._check_size(super().call_binop(context, operator, left, right))

    def _check_size_of(self, size: int) -> None:
        if size > self.limits.text_chars:
            raise BudgetError(
                f"the template builds a value of {size:,} items; the limit is "
                f"{self.limits.text_chars:,}"
            )

    def call(
        __self,  # Jinja's own signature, so that a template may pass "self"
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in _SIZED_METHODS:
            for value in (*args, *kwargs.values()):
                if isinstance(value, int):
                    __self._check_size_of(value)
        if name == "format" or name == "format_map":
            for value in (*args, *kwargs.values()):
                if isinstance(value, str):
                    __self._check_size_of(len(value))
        return __self._check_size(super().call(__context, __obj, *args, **kwargs))
