"""Batched reads of submissions for the graph's DataLoaders: the first page of row issues
and their count for many submissions at once, always inside one manufacturer.

    pages = await first_issue_pages(manufacturer_id, [(7, 20, day), (8, 20, day)])  # 21 at most

Each key carries the day its submission was created: issues are recorded on or after it
and not after today, so ``recorded_on`` between the two keeps PostgreSQL to the partitions
that can hold them (the open-ended default partition included only when bounds are open).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from portal.models import SubmissionIssue


def _until() -> date:
    """The last day an issue can have been recorded (a day of slack for clocks)."""
    return datetime.now(UTC).date() + timedelta(days=1)


def issues_of(manufacturer_id: int, submission_id: int, since: date) -> QuerySet[SubmissionIssue]:
    """The row errors and warnings of one submission (for pages after the first)."""
    return SubmissionIssue.filter(
        manufacturer_id=manufacturer_id,
        submission_id=submission_id,
        recorded_on__gte=since,
        recorded_on__lte=_until(),
    )


async def first_issue_pages(
    manufacturer_id: int, keys: Sequence[tuple[int, int, date]]
) -> list[list[SubmissionIssue]]:
    """For each (submission, page size), its first ``size + 1`` issues in row order: one
    statement (a window per submission) whatever the number of submissions."""
    ids = sorted({int(submission_id) for submission_id, _, _ in keys})
    widest = max((int(size) for _, size, _ in keys), default=0) + 1
    grouped: dict[int, list[SubmissionIssue]] = defaultdict(list)
    if ids:
        # Integers only (ids and sizes are ints), so inlining them is safe in both dialects.
        rows: list[SubmissionIssue] = await SubmissionIssue.raw(
            "SELECT * FROM (SELECT i.*, ROW_NUMBER() OVER "
            "(PARTITION BY i.submission_id ORDER BY i.id) AS page_rank "
            "FROM submission_issue i "
            f"WHERE i.manufacturer_id = {int(manufacturer_id)} "
            f"AND i.recorded_on >= '{min(day for _, _, day in keys).isoformat()}' "
            f"AND i.recorded_on <= '{_until().isoformat()}' "
            f"AND i.submission_id IN ({', '.join(str(i) for i in ids)})) ranked "
            f"WHERE page_rank <= {widest} ORDER BY submission_id, id"
        )
        for issue in rows:
            grouped[issue.submission_id].append(issue)
    return [grouped[submission_id][: size + 1] for submission_id, size, _ in keys]


async def issue_counts(manufacturer_id: int, keys: Sequence[tuple[int, date]]) -> list[int]:
    """How many issues each (submission, day created) has."""
    submission_ids = [submission_id for submission_id, _ in keys]
    counts = dict(
        await SubmissionIssue.filter(
            manufacturer_id=manufacturer_id,
            submission_id__in=submission_ids,
            recorded_on__gte=min((day for _, day in keys), default=date.min),
            recorded_on__lte=_until(),
        )
        .annotate(n=Count("id"))
        .group_by("submission_id")
        .values_list("submission_id", "n")
    )
    return [int(counts.get(key, 0)) for key in submission_ids]
