"""Customer and planned sub-processor change endpoints: legal and admin write, procurement
reads. Sending queues the e-mails; the job queue's worker delivers them."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Limit, Offset
from transfers.common.pagination import Page
from transfers.common.responses import etag, version_of
from transfers.customer import service
from transfers.customer.schemas import (
    BounceCreate,
    ChangeCreate,
    ChangeRead,
    ChangeState,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    EngagementCreate,
    LinkReport,
    ResolutionCreate,
    ResponseCreate,
    VersionOnly,
)
from transfers.vendor.schemas import EngagementRead, EngagementUpdate

IF_MATCH = Parameter(header="If-Match", default=None)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Query = Parameter(query="q", default=None, max_length=200)


class CustomerController(Controller):
    path = "/api/v1/customers"
    tags = ["customers"]

    async def _answer(
        self, db_session: AsyncSession, customer_id: int, status_code: int = 200
    ) -> Response[CustomerRead]:
        customer = await service.get_customer(db_session, customer_id)
        body = await service.read_customer(db_session, customer)
        headers = etag(body.version)
        if status_code == 201:
            headers |= {"Location": f"{self.path}/{customer_id}"}
        return Response(body, status_code=status_code, headers=headers)

    @post("/", operation_id="CreateCustomer", guards=[requires_writer])
    async def create(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: CustomerCreate
    ) -> Response[CustomerRead]:
        customer = await service.create_customer(db_session, data, request.user)
        await db_session.commit()
        return await self._answer(db_session, customer.id, 201)

    @get("/", operation_id="ListCustomers")
    async def list_customers(
        self,
        db_session: AsyncSession,
        q: str | None = Query,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[CustomerRead]:
        items, total = await service.list_customers(db_session, q=q, limit=limit, offset=offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @get("/{customer_id:int}", operation_id="GetCustomer")
    async def get_customer(
        self, db_session: AsyncSession, customer_id: int
    ) -> Response[CustomerRead]:
        return await self._answer(db_session, customer_id)

    @patch("/{customer_id:int}", operation_id="UpdateCustomer", guards=[requires_writer])
    async def update(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        customer_id: int,
        data: CustomerUpdate,
        if_match: str | None = IF_MATCH,
    ) -> Response[CustomerRead]:
        customer = await service.get_customer(db_session, customer_id)
        check_version(customer, if_match, version_of(data))
        await service.update_customer(db_session, customer, data, request.user)
        await db_session.commit()
        return await self._answer(db_session, customer_id)

    @get("/controller-links", operation_id="ListControllerLinks")
    async def controller_links(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession
    ) -> LinkReport:
        """Processings whose free-text controller matches a customer exactly (to be linked) and
        those that match none (for a person)."""
        report = await service.link_controllers(db_session, request.user, apply=False)
        await db_session.rollback()
        return report

    @post("/controller-links", operation_id="LinkControllers", guards=[requires_writer])
    async def link_controllers(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession
    ) -> LinkReport:
        report = await service.link_controllers(db_session, request.user, apply=True)
        await db_session.commit()
        return report


class SubprocessorChangeController(Controller):
    path = "/api/v1/subprocessor-changes"
    tags = ["subprocessor-changes"]

    async def _answer(
        self, db_session: AsyncSession, change_id: int, status_code: int = 200
    ) -> Response[ChangeRead]:
        change = await service.get_change(db_session, change_id)
        body = await service.read_change(db_session, change, date.today())
        headers = etag(body.version)
        if status_code == 201:
            headers |= {"Location": f"{self.path}/{change_id}"}
        return Response(body, status_code=status_code, headers=headers)

    @post("/", operation_id="CreateSubprocessorChange", guards=[requires_writer])
    async def create(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: ChangeCreate
    ) -> Response[ChangeRead]:
        """Plan a change; the answer lists the affected customers with their earliest dates and
        the engine's before and after (``blocking`` says why it could not be sent)."""
        change = await service.create_change(db_session, data, request.user, date.today())
        await db_session.commit()
        return await self._answer(db_session, change.id, 201)

    @get("/", operation_id="ListSubprocessorChanges")
    async def list_changes(
        self,
        db_session: AsyncSession,
        state_: ChangeState | None = Parameter(query="state", default=None),
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ChangeRead]:
        items, total = await service.list_changes(
            db_session, state=state_, limit=limit, offset=offset
        )
        today = date.today()
        return Page(
            items=[await service.read_change(db_session, c, today, full=False) for c in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    @get("/{change_id:int}", operation_id="GetSubprocessorChange")
    async def get_change(self, db_session: AsyncSession, change_id: int) -> Response[ChangeRead]:
        return await self._answer(db_session, change_id)

    @post("/{change_id:int}/send", operation_id="SendSubprocessorChange", guards=[requires_writer])
    async def send(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        data: VersionOnly,
        if_match: str | None = IF_MATCH,
    ) -> Response[ChangeRead]:
        """Draft every affected customer's notice and queue the e-mails (409 with the reasons
        when the change would make a transfer unlawful)."""
        change = await service.get_change(db_session, change_id)
        check_version(change, if_match, version_of(data))
        settings = request.app.state.settings
        await service.send_change(
            db_session, change, request.user, date.today(), sender=settings.public_company_name
        )
        await db_session.commit()
        await request.app.state.jobs.defer_notice_delivery(change_id)
        return await self._answer(db_session, change_id)

    @post(
        "/{change_id:int}/deliveries/retry",
        operation_id="RetrySubprocessorChangeDeliveries",
        guards=[requires_writer],
    )
    async def retry(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, change_id: int
    ) -> Response[ChangeRead]:
        """Queue the failed e-mails again; those sent are never sent twice."""
        change = await service.get_change(db_session, change_id)
        await service.requeue_failed(db_session, change, request.user)
        await db_session.commit()
        await request.app.state.jobs.defer_notice_delivery(change_id)
        return await self._answer(db_session, change_id)

    @post(
        "/{change_id:int}/deliveries/bounce",
        operation_id="RecordSubprocessorChangeBounce",
        guards=[requires_writer],
    )
    async def bounce(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        data: BounceCreate,
    ) -> Response[ChangeRead]:
        """A mail server reported that a sent e-mail did not arrive: the delivery shows
        ``bounced`` with the reason (audited)."""
        change = await service.get_change(db_session, change_id)
        await service.mark_bounced(db_session, change, data.recipient, data.reason, request.user)
        await db_session.commit()
        return await self._answer(db_session, change_id)

    @post(
        "/{change_id:int}/withdraw",
        operation_id="WithdrawSubprocessorChange",
        guards=[requires_writer],
    )
    async def withdraw(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        data: VersionOnly,
        if_match: str | None = IF_MATCH,
    ) -> Response[ChangeRead]:
        change = await service.get_change(db_session, change_id)
        check_version(change, if_match, version_of(data))
        await service.withdraw(db_session, change, request.user)
        await db_session.commit()
        return await self._answer(db_session, change_id)

    @post(
        "/{change_id:int}/notices/{notice_id:int}/response",
        operation_id="RecordCustomerResponse",
        guards=[requires_writer],
    )
    async def respond(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        notice_id: int,
        data: ResponseCreate,
        if_match: str | None = IF_MATCH,
    ) -> Response[ChangeRead]:
        """The customer objected or consented (who, when, why)."""
        notice = await service.get_notice(db_session, change_id, notice_id)
        check_version(notice, if_match, version_of(data))
        await service.respond(db_session, notice, data, request.user)
        await db_session.commit()
        return await self._answer(db_session, change_id)

    @get(
        "/{change_id:int}/notices/{notice_id:int}/letter",
        operation_id="GetCustomerNoticeLetter",
        media_type=DOCX,
    )
    async def letter(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        notice_id: int,
    ) -> Response[bytes]:
        """The customer's notice as a DOCX letter in its language (for post or a portal)."""
        notice = await service.get_notice(db_session, change_id, notice_id)
        sender = request.app.state.settings.public_company_name
        data = await service.letter_docx(db_session, notice, sender)
        name = f"customer-notice-{change_id}-{notice_id}-{notice.language}.docx"
        return Response(
            data,
            media_type=DOCX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @post(
        "/{change_id:int}/notices/{notice_id:int}/resolution",
        operation_id="ResolveCustomerObjection",
        guards=[requires_writer],
    )
    async def resolve(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        notice_id: int,
        data: ResolutionCreate,
        if_match: str | None = IF_MATCH,
    ) -> Response[ChangeRead]:
        notice = await service.get_notice(db_session, change_id, notice_id)
        check_version(notice, if_match, version_of(data))
        await service.resolve(db_session, notice, data, request.user, date.today())
        await db_session.commit()
        return await self._answer(db_session, change_id)

    @post(
        "/{change_id:int}/engagement",
        operation_id="EngageSubprocessorChange",
        guards=[requires_writer],
    )
    async def engage(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        data: EngagementCreate,
        if_match: str | None = IF_MATCH,
    ) -> Response[ChangeRead]:
        """Engage the sub-processor on a date: refused (409) before a specific customer's
        consent or with an objection open; before a general customer's objection period ends
        only with ``override_reason`` (audited)."""
        change = await service.get_change(db_session, change_id)
        check_version(change, if_match, version_of(data))
        await service.engage(db_session, change, data, request.user)
        await db_session.commit()
        return await self._answer(db_session, change_id)


class LinkEngagementController(Controller):
    """A chain link's engagement dates, under the planned changes' rule (GDPR Art. 28(2)): it
    lives here, not with the vendors, because the rule is our customers' notices."""

    path = "/api/v1/vendors"
    tags = ["vendors"]

    @put(
        "/{vendor_id:int}/subprocessors/{subprocessor_id:int}/engagement",
        operation_id="SetSubprocessorEngagement",
        guards=[requires_writer],
    )
    async def set_engagement(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        subprocessor_id: int,
        data: EngagementUpdate,
    ) -> EngagementRead:
        """Record when a sub-processor starts and stops processing for a vendor. A start
        before a general customer's objection period ends is refused (409
        ``engagement-early``) unless ``override_reason`` is given (audited); before a specific
        customer's consent, or with an objection open, it is refused (409
        ``engagement-blocked``)."""
        link = await service.set_link_engagement(
            db_session,
            vendor_id=vendor_id,
            subprocessor_id=subprocessor_id,
            engaged_on=data.engaged_on,
            ended_on=data.ended_on,
            override_reason=data.override_reason,
            actor=request.user,
        )
        result = EngagementRead(
            link.vendor_id, link.subprocessor_id, link.engaged_on, link.ended_on, link.notified_on
        )
        await db_session.commit()
        return result
