"""Application factory: plugins, routers, problem details, OpenAPI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from transfers.agreement.controller import AgreementController
from transfers.assessment.controller import AssessmentController
from transfers.audit.controller import AuditController
from transfers.auth.cache import actor_cache
from transfers.auth.controller import ApiKeyController
from transfers.auth.middleware import PUBLIC_PATHS, ApiKeyAuthenticationMiddleware
from transfers.common.headers import redact_access_logs, security_headers
from transfers.common.problem_handlers import EXCEPTION_HANDLERS
from transfers.common.uploads import apply_upload_limit
from transfers.compliance.controller import EvaluationController, ReferenceController
from transfers.compliance.service import warm
from transfers.customer.controller import (
    CustomerController,
    LinkEngagementController,
    SubprocessorChangeController,
)
from transfers.db import create_engine, session_factory, tolerant_close
from transfers.document.controller import DocumentController, DocumentTemplateController
from transfers.dpf.controller import DpfController
from transfers.health import health, ready
from transfers.importer.routes import ExportController, ImportController
from transfers.intake.controller import IntakeController
from transfers.job.controller import DocumentJobController
from transfers.job.queue import JobQueue, Runtime
from transfers.notice.controller import NoticeController
from transfers.openapi import document_when_built
from transfers.organisation.controller import OrganisationController, ProcessingController
from transfers.reminder.controller import CalendarFeedController, ReminderController
from transfers.settings import Settings, get_settings
from transfers.transfer.controller import TransferController
from transfers.user.passwords import password_pool
from transfers.vendor.controller import VendorController
from transfers.web.public_pages import public_router
from transfers.web.router import web_handlers
from transfers.web.templating import template_config

API_VERSION = "1.0.0"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    redact_access_logs()
    engine = create_engine(settings)
    alchemy = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        session_config=AsyncSessionConfig(expire_on_commit=False),
        set_default_exception_handler=False,
        create_all=False,
    )
    alchemy.before_send_handler = tolerant_close(alchemy.before_send_handler)
    maker = session_factory(engine)
    jobs = JobQueue(Runtime(settings, maker))

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.session_maker = maker
        app.state.settings = settings
        actor_cache.configure(settings.auth_cache_seconds)  # this app's TTL, from its start
        warming = asyncio.create_task(warm(maker)) if settings.warm_on_start else None
        app.state.warming = warming
        app.state.jobs = jobs
        app.state.public_posts = {}  # the public page's rate limit, per client address
        try:
            if settings.job_worker:
                await jobs.start_worker()
            yield
        finally:
            if warming is not None:
                warming.cancel()
                with suppress(asyncio.CancelledError):
                    await warming
            await jobs.close()
            await engine.dispose()

    app = Litestar(
        route_handlers=[
            health,
            ready,
            VendorController,
            LinkEngagementController,
            OrganisationController,
            ProcessingController,
            AgreementController,
            TransferController,
            AssessmentController,
            AuditController,
            EvaluationController,
            ReferenceController,
            ReminderController,
            CalendarFeedController,
            DocumentController,
            DocumentTemplateController,
            ImportController,
            ExportController,
            ApiKeyController,
            *web_handlers(),
            IntakeController,
            NoticeController,
            DpfController,
            DocumentJobController,
            CustomerController,
            SubprocessorChangeController,
            public_router(),
        ],
        template_config=template_config(),
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        middleware=[DefineMiddleware(ApiKeyAuthenticationMiddleware, exclude=PUBLIC_PATHS)],
        before_send=[security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="transfers",
            version=API_VERSION,
            description="Register of GDPR processors, subprocessors and third-country transfers.",
            path="/schema",
            render_plugins=[
                # Served from the package's own copy, so the docs work with no internet.
                SwaggerRenderPlugin(
                    path=["/", "/swagger"],
                    js_url="/static/vendor/swagger/swagger-ui-bundle.js",
                    css_url="/static/vendor/swagger/swagger-ui.css",
                    standalone_preset_js_url="/static/vendor/swagger/swagger-ui-standalone-preset.js",
                    favicon="<link rel='icon' href='/static/vendor/swagger/favicon-32x32.png'>",
                )
            ],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", description="API key")
                }
            ),
            security=[{"bearer": []}],
        ),
        debug=settings.debug,
    )
    apply_upload_limit(app, settings.max_upload_bytes)
    document_when_built(app)
    actor_cache.configure(settings.auth_cache_seconds)
    password_pool.configure(
        workers=settings.password_hash_workers, queue=settings.password_hash_queue
    )
    return app
