"""Per partner and period totals of the reconciliation rows, kept by the recompute."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class ReconciliationTotal(Model):
    """The sums of one partner's reconciliation rows in one period, so that
    ``channelSummary`` reads a row per partner and period instead of every row of each
    warehouse and SKU (:mod:`portal.domain.reconciliation.totals`). A projection of a
    projection: rewritten from the rows by every recompute that touched them."""

    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="reconciliation_totals", db_constraint=False
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="reconciliation_totals", db_constraint=False
    )
    partner_id: int
    period = fields.CharField(max_length=8)
    sell_in = fields.BigIntField(default=0)
    sell_through = fields.BigIntField(default=0)
    calculated = fields.BigIntField(default=0)
    reported = fields.BigIntField(default=0)  # the sum of the rows that have a report
    reported_count = fields.IntField(default=0)  # how many rows have a report

    class Meta:
        table = "reconciliation_total"
        unique_together = (("manufacturer", "partner", "period"),)
        indexes = (("manufacturer_id", "period"), ("partner_id",))
