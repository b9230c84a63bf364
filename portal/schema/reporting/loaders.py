"""DataLoaders of submissions, created per request (``info.context.loaders.reporting``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from strawberry.dataloader import DataLoader

from portal.domain.reporting.reads import first_issue_pages, issue_counts
from portal.models import SubmissionIssue


class ReportingLoaders:
    def __init__(self, manufacturer_id: int) -> None:
        async def pages(keys: Sequence[tuple[int, int, date]]) -> list[list[SubmissionIssue]]:
            return await first_issue_pages(manufacturer_id, keys)

        async def counts(keys: Sequence[tuple[int, date]]) -> list[int]:
            return await issue_counts(manufacturer_id, keys)

        self.first_issues = DataLoader(load_fn=pages)
        self.issue_count = DataLoader(load_fn=counts)
