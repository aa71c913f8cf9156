"""Render every document kind in both languages from the sample register into PDFs and PNGs.

`make docs-gallery` runs this: a throw-away SQLite register is migrated and loaded with the
sample register (`transfers demo`), each document is generated through the same service the
API uses, converted to PDF with LibreOffice (`soffice --headless`) and to one PNG per page with
`pdftoppm`, under `docs-gallery/` (git-ignored). A document the register cannot yet support
(the service refuses it with a problem, e.g. a privacy notice while a transfer relies on an
invalid safeguard) is listed in `docs-gallery/REFUSED.txt` with the reason, never faked.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs-gallery"


@dataclass(frozen=True)
class Job:
    name: str
    kind: str
    vendor: str | None = None
    transfer_of: str | None = None
    assessment: bool = False
    assessment_of: str | None = None
    """The vendor whose transfer's assessment this is (default: the first assessment)."""
    stop_invalid: bool = False
    """First end (yesterday, through the transfer service) every transfer whose safeguard can
    no longer be relied on, as a lawyer does before publishing: the sample register keeps two
    such transfers to show the verdicts, and a privacy notice is refused while they run."""


JOBS = (
    Job("dpa-art28-3", "dpa", vendor="Northwind Cloud LLC"),
    Job("dpa-art28-4", "dpa", vendor="Zentick Support Inc."),
    # The chain: our Finnish warranty vendor's DPA lists its Indian further sub-processor's
    # onward transfer; a DPA with that further sub-processor is refused (not ours to make).
    Job("dpa-art28-4-chain", "dpa", vendor="Takuuhuolto Pohjola"),
    Job("dpa-further-sub-processor", "dpa", vendor="Sahyadri Diagnostics"),
    Job("scc_annexes", "scc_annexes", transfer_of="Zentick Support Inc."),
    Job("scc_annexes-onward", "scc_annexes", transfer_of="Sahyadri Diagnostics"),
    Job("scc_annexes-dpf-fallback", "scc_annexes", transfer_of="Northwind Cloud LLC"),
    Job("tia", "tia", assessment=True),
    Job("tia-onward", "tia", assessment=True, assessment_of="Sahyadri Diagnostics"),
    Job("subprocessor_list", "subprocessor_list"),
    Job("privacy_notice_section", "privacy_notice_section"),
    Job("record_extract", "record_extract"),
    # last: it ends the sample register's two unlawful transfers in the gallery's database
    Job("privacy_notice_section-after-stopping", "privacy_notice_section", stop_invalid=True),
)


async def stop_invalid_transfers(session: Any, actor: Any, today: date) -> list[str]:
    """End every running transfer whose mechanism is invalid or expired on ``today``."""
    from transfers.models import Transfer
    from transfers.reference import load_reference
    from transfers.transfer.schemas import TransferUpdate
    from transfers.transfer.service import update_transfer

    ref = load_reference()
    stopped = []
    for transfer in (await session.scalars(select(Transfer).order_by(Transfer.id))).all():
        mechanism = ref.mechanism(transfer.mechanism)
        invalid = mechanism is not None and (
            (mechanism.invalid_from is not None and mechanism.invalid_from <= today)
            or (mechanism.valid_until is not None and mechanism.valid_until < today)
        )
        if invalid and transfer.ended_on is None:
            ended = TransferUpdate(ended_on=today - timedelta(days=1))
            await update_transfer(session, transfer, ended, actor)
            stopped.append(f"transfer {transfer.id} ({transfer.mechanism})")
    return stopped


async def render_all(database_url: str, out: Path) -> list[str]:
    from transfers.auth.schemas import Actor
    from transfers.common.problems import ProblemError
    from transfers.db import create_engine, session_scope
    from transfers.demo import load_demo
    from transfers.document.context import DocumentOptions
    from transfers.document.service import render_document
    from transfers.models import Assessment, Transfer, Vendor

    refused: list[str] = []
    engine = create_engine(url=database_url)
    actor = Actor(key_id=None, name="docs-gallery", role="admin")
    try:
        async with session_scope(engine) as session:
            await load_demo(session)
        async with session_scope(engine) as session:
            vendors = {v.name: v.id for v in (await session.scalars(select(Vendor))).all()}
            assessment_id = await session.scalar(select(Assessment.id).order_by(Assessment.id))
            for job in JOBS:
                assessment = assessment_id
                if job.assessment_of:
                    assessment = await session.scalar(
                        select(Assessment.id)
                        .join(Transfer, Transfer.id == Assessment.transfer_id)
                        .where(Transfer.vendor_id == vendors[job.assessment_of])
                        .order_by(Assessment.id)
                    )
                transfer_id = None
                if job.transfer_of:
                    transfer_id = await session.scalar(
                        select(Transfer.id)
                        .where(Transfer.vendor_id == vendors[job.transfer_of])
                        .order_by(Transfer.id)
                    )
                if job.stop_invalid:
                    for line in await stop_invalid_transfers(session, actor, date.today()):
                        print(f"{job.name}: ended {line} yesterday")
                    await session.commit()  # the gallery's own throw-away database
                for language in ("en", "fi"):
                    kwargs: dict[str, Any] = {
                        "kind": job.kind,
                        "language": language,
                        "vendor_id": vendors[job.vendor] if job.vendor else None,
                        "transfer_id": transfer_id,
                        "assessment_id": assessment if job.assessment else None,
                        "as_of": date.today(),
                        "since": None,
                        "actor": actor,
                        "options": DocumentOptions(),
                    }
                    try:
                        async with session.begin_nested():
                            doc = await render_document(session, **kwargs)
                    except ProblemError as exc:
                        refused.append(f"{job.name}-{language}: {exc.detail}")
                        continue
                    (out / f"{job.name}-{language}.docx").write_bytes(doc.content)
    finally:
        await engine.dispose()
    return refused


def convert(out: Path, resolution: int) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
    docs = sorted(out.glob("*.docx"))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, docs),
            ],
            check=True,
            capture_output=True,
        )
    for pdf in sorted(out.glob("*.pdf")):
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(out / "png" / pdf.stem)],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--resolution", type=int, default=70, help="PNG resolution (dpi)")
    args = parser.parse_args()
    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    (out / "png").mkdir(parents=True)
    from transfers.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/gallery.sqlite3"
        upgrade(url)
        refused = asyncio.run(render_all(url, out))
    convert(out, args.resolution)
    (out / "REFUSED.txt").write_text("\n".join(refused) + ("\n" if refused else ""))
    print(
        f"gallery: {len(list(out.glob('*.pdf')))} PDFs, {len(list((out / 'png').glob('*.png')))} pages in {out}"
    )
    for line in refused:
        print(f"refused: {line}")


if __name__ == "__main__":
    main()
