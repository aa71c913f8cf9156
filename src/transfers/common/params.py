"""Query parameters shared by the API's list endpoints (Litestar ``Parameter`` metadata)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size, 1-500")]
Offset = Annotated[int, Parameter(ge=0, description="Items to skip")]
