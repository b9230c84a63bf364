"""The stored lines of one submission, read the way a partitioned table prunes.

    await pos_lines_of(submission).values_list("product_id", "quantity")

POS lines are partitioned by ``sold_on`` on PostgreSQL (docs/scale-out.md) and every
accepted line lies in its submission's period (row validation refuses the others), so the
period's dates bound the partitions a read touches.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from portal.domain.periods import stored_period
from portal.models import PosLine, Submission


def pos_lines_of(submission: Submission) -> QuerySet[PosLine]:
    period = stored_period(submission.period)
    return PosLine.filter(
        manufacturer_id=submission.manufacturer_id,
        submission_id=submission.id,
        sold_on__gte=period.start,
        sold_on__lte=period.end,
    )
