"""A legal user queues DPAs for many vendors, follows the job, and downloads one ZIP."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api
from transfers.auth.schemas import Actor
from transfers.db import session_factory
from transfers.document.render import document_text
from transfers.job.queue import JobQueue
from transfers.job.schemas import DocumentJobCreate
from transfers.job.service import create_job, run_job
from transfers.models import DocumentJobItem

JOBS = "/api/v1/document-jobs"


async def _register(api: Api, vendors: int) -> list[dict[str, Any]]:
    org = await api.create(
        "/api/v1/organisations",
        {
            "name": "Esimerkki Oy",
            "business_id": "1234567-8",
            "address": "Katu 1, Helsinki",
            "country": "FI",
        },
    )
    out = []
    for i in range(vendors):
        v = await api.create(
            "/api/v1/vendors",
            {
                "name": f"Vendor {i} & Co <EU>",
                "country": "DE",
                "role": "processor",
                "status": "approved",
            },
        )
        await api.create(
            "/api/v1/processings",
            {
                "vendor_id": v["id"],
                "organisation_id": org["id"],
                "service": f"Service {i}",
                "nature": "Hosting",
                "purposes": ["CRM"],
                "data_categories": ["identity", "contact"],
                "data_subject_categories": ["customers"],
                "technical_measures": "Encryption at rest",
                "translations": {
                    "fi": {
                        "service": f"Palvelu {i}",
                        "nature": "Ylläpito",
                        "purposes": ["asiakkuudenhallinta"],
                        "technical_measures": "Salaus tallennettaessa",
                    }
                },
            },
        )
        await api.create(
            "/api/v1/agreements",
            {
                "vendor_id": v["id"],
                "kind": "dpa",
                "status": "signed",
                "signed_on": "2025-01-01",
                "effective_on": "2025-01-01",
                "term": "P1Y",
                "auto_renew": True,
                "notice_period": "P3M",
                "subprocessor_authorisation": "general",
                "objection_period_days": 30,
            },
        )
        out.append(v)
    return out


async def _until_finished(api: Api, url: str) -> dict[str, Any]:
    for _ in range(600):  # a deadline for a stuck job, not a speed check
        body: dict[str, Any] = (await api.get(url)).json()
        if body["state"] in ("done", "failed"):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"the job did not finish: {body}")


async def test_a_job_of_five_vendors_reports_the_one_lacking_data_and_zips_the_rest(
    api: Api,
) -> None:
    vendors = await _register(api, 4)
    bare = await api.create(
        "/api/v1/vendors", {"name": "Bare Processor", "country": "DE", "role": "processor"}
    )
    ids = [v["id"] for v in vendors] + [bare["id"]]

    response = await api.post(JOBS, json={"kind": "dpa", "language": "fi", "vendor_ids": ids})
    assert response.status_code == 202, response.text
    queued = response.json()
    assert response.headers["location"] == queued["url"] == f"{JOBS}/{queued['id']}"
    assert queued["progress"]["total"] == 5

    job = await _until_finished(api, queued["url"])
    assert job["state"] == "done", job
    assert job["progress"] == {"done": 5, "total": 5, "documents": 4, "problems": 1}
    [problem] = job["problems"]
    assert problem["vendor_id"] == bare["id"] and problem["vendor_name"] == "Bare Processor"
    assert problem["status"] == 422 and "processing" in problem["detail"]

    download = await api.get(job["result_url"])
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/zip")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = sorted(archive.namelist())
    assert len(names) == 5 and "problems.csv" in names
    assert "Bare Processor" in archive.read("problems.csv").decode()
    for v in vendors:
        [entry] = [n for n in names if n.startswith(f"{v['id']}-dpa-")]
        assert v["name"] in document_text(archive.read(entry))

    # Each document is stored and audited like a single generation.
    documents = (await api.get("/api/v1/documents", params={"kind": "dpa"})).json()
    assert documents["total"] == 4
    audit = (
        await api.get("/api/v1/audit", params={"entity_type": "document"}, role="admin")
    ).json()
    assert sum(1 for e in audit["items"] if e["action"] == "generate") == 4
    job_events = (
        await api.get("/api/v1/audit", params={"entity_type": "document_job"}, role="admin")
    ).json()["items"]
    assert {e["action"] for e in job_events} == {"create", "complete"}


async def test_a_filter_chooses_the_art_28_vendors(api: Api) -> None:
    vendors = await _register(api, 2)
    await api.create(
        "/api/v1/vendors",
        {"name": "Joint Controller Oy", "country": "FI", "role": "joint_controller"},
    )
    response = await api.post(JOBS, json={"kind": "dpa", "filter": {"art28": True}})
    assert response.status_code == 202, response.text
    job = await _until_finished(api, response.json()["url"])
    assert job["progress"]["total"] == 2 and job["progress"]["documents"] == 2
    assert job["selection"] == {
        "filter": {"art28": True, "country": None, "roles": None, "status": None}
    }
    zipped = zipfile.ZipFile(io.BytesIO((await api.get(job["result_url"])).content))
    assert sorted(int(n.split("-")[0]) for n in zipped.namelist()) == [v["id"] for v in vendors]


async def test_bad_requests_are_problems_and_queue_nothing(api: Api) -> None:
    await _register(api, 1)
    cases = [
        ({"kind": "dpa"}, 422),
        ({"kind": "dpa", "vendor_ids": [1], "filter": {"art28": True}}, 422),
        ({"kind": "dpa", "vendor_ids": [999999]}, 422),
        ({"kind": "dpa", "vendor_ids": []}, 400),
        ({"kind": "tia", "vendor_ids": [1]}, 400),
        ({"kind": "dpa", "filter": {"country": "JP"}}, 422),
        ({"kind": "dpa", "filter": {"art28": True, "colour": "red"}}, 400),
    ]
    for body, status in cases:
        response = await api.post(JOBS, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    refused = await api.post(JOBS, json={"kind": "dpa", "vendor_ids": [1]}, role="procurement")
    assert refused.status_code == 403
    assert (await api.get(f"{JOBS}/424242")).status_code == 404
    audit = (
        await api.get("/api/v1/audit", params={"entity_type": "document_job"}, role="admin")
    ).json()
    assert audit["total"] == 0


async def test_the_zip_waits_for_the_job(api: Api) -> None:
    [vendor] = await _register(api, 1)
    response = await api.post(JOBS, json={"kind": "dpa", "vendor_ids": [vendor["id"]]})
    url = response.json()["url"]
    early = await api.get(f"{url}/result")
    if early.status_code != 200:  # the worker may already be done on a fast machine
        assert early.status_code == 409 and early.json()["state"] in ("queued", "running")
    job = await _until_finished(api, url)
    assert (await api.get(job["result_url"])).status_code == 200


async def test_a_queue_that_refuses_the_job_is_a_503_and_the_job_is_failed(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    [vendor] = await _register(api, 1)

    async def refuse(self: JobQueue, job_id: int) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(JobQueue, "defer_document_job", refuse)
    response = await api.post(JOBS, json={"vendor_ids": [vendor["id"]]})
    assert response.status_code == 503
    assert response.json()["type"].endswith("queue-unavailable")
    jobs = (
        await api.get("/api/v1/audit", params={"entity_type": "document_job"}, role="admin")
    ).json()
    assert [e["action"] for e in jobs["items"]] in (["fail", "create"], ["create", "fail"])
    job = (await api.get(f"{JOBS}/{jobs['items'][0]['entity_id']}")).json()
    assert job["state"] == "failed" and "queue" in job["error"]


async def test_an_interrupted_job_resumes_with_the_vendors_not_done(
    api: Api, engine: AsyncEngine
) -> None:
    vendors = await _register(api, 3)
    maker = session_factory(engine)
    async with maker() as session:
        job = await create_job(
            session,
            DocumentJobCreate(vendor_ids=[v["id"] for v in vendors]),
            Actor(key_id=None, name="legal", role="legal"),
        )
        job.state = "running"  # a worker died after the first vendor
        session.add(
            DocumentJobItem(job_id=job.id, vendor_id=vendors[0]["id"], vendor_name="done before")
        )
        await session.commit()
    await run_job(maker, job.id)
    body = (await api.get(f"{JOBS}/{job.id}")).json()
    assert body["state"] == "done" and body["progress"]["done"] == 3
    assert body["progress"]["documents"] == 2  # the first vendor was not generated again
    assert (await api.get("/api/v1/documents")).json()["total"] == 2


async def test_two_workers_on_one_job_generate_each_document_once(
    api: Api, engine: AsyncEngine
) -> None:
    vendors = await _register(api, 3)
    maker = session_factory(engine)
    async with maker() as session:
        job = await create_job(
            session,
            DocumentJobCreate(vendor_ids=[v["id"] for v in vendors]),
            Actor(key_id=None, name="legal", role="legal"),
        )
        await session.commit()
    await asyncio.gather(run_job(maker, job.id, lanes=1), run_job(maker, job.id, lanes=1))
    body = (await api.get(f"{JOBS}/{job.id}")).json()
    assert body["state"] == "done" and body["progress"]["documents"] == 3
    assert (await api.get("/api/v1/documents")).json()["total"] == 3
