"""``jobFailures``: the items shared jobs set aside for the viewer's manufacturer."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.job_failures import visible_failures
from portal.domain.pagination import paginate
from portal.resolvers.helpers import page_limit
from portal.schema.common import Connection, to_connection
from portal.schema.jobs.types import JobFailure


async def resolve_job_failures(
    info: Info,
    include_resolved: bool = False,
    first: int | None = None,
    after: str | None = None,
) -> Connection[JobFailure]:
    query = visible_failures(info.context.principal, include_resolved=include_resolved)
    page = await paginate(query, first=first, after=after, limit=page_limit(info))
    return to_connection(page, JobFailure.from_model, after)
