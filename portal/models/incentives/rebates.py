"""Volume and growth rebates: programs, their accruals per partner and period, what was
paid out of them, and the (partner, period) keys whose accruals a ledger change made
stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import RebateInterimSchedule, RebateMeasure, RebateMode, RebateStatus

if TYPE_CHECKING:
    from portal.models.catalog.tenants import Manufacturer


class RebateProgram(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="rebate_programs"
    )
    manufacturer_id: int
    name = fields.CharField(max_length=200)
    period_from = fields.CharField(max_length=8)
    period_to = fields.CharField(max_length=8)
    measure = fields.CharEnumField(RebateMeasure, max_length=24)
    mode = fields.CharEnumField(RebateMode, max_length=12)
    growth = fields.BooleanField(default=False)
    # Scope: the named partners, else every partner of ``partner_tier``, else all.
    partner_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    partner_tier = fields.CharField(max_length=20, null=True)
    named_partners = fields.BooleanField(default=False)  # partner_ids given (see below)
    # Products: the named SKUs and every product of the named categories.
    product_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    categories: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # [[threshold, rate %], ...] as decimal strings, ascending thresholds, the first 0.
    tiers: fields.JSONField[list[list[str]]] = fields.JSONField(default=list)
    require_compliance = fields.BooleanField(default=False)
    currency = fields.CharField(max_length=3, default="USD")
    # Automatic interim payouts: the schedule and the last interval paid ("2026-10",
    # "2026-Q4"); the ``rebate_interims`` job pays each elapsed interval once.
    interim_schedule = fields.CharEnumField(
        RebateInterimSchedule, max_length=10, default=RebateInterimSchedule.NONE
    )
    interim_through = fields.CharField(max_length=8, null=True)
    status = fields.CharEnumField(RebateStatus, max_length=8, default=RebateStatus.OPEN)
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "rebate_program"
        indexes = (("manufacturer_id", "status"),)


class RebateProgramPartner(Model):
    """A partner a program names (what a partner principal's program list joins on)."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    program_id = fields.BigIntField()
    partner_id = fields.IntField()

    class Meta:
        table = "rebate_program_partner"
        unique_together = (("manufacturer_id", "program_id", "partner_id"),)
        indexes = (("manufacturer_id", "partner_id"),)


class RebateAccrual(Model):
    """The program's volume of one partner in one period (and in the same period a year
    earlier, the base of a growth program), kept current by the ``accrue_rebates`` job."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    program_id = fields.BigIntField()
    partner_id = fields.IntField()
    period = fields.CharField(max_length=8)
    units = fields.IntField(default=0)
    value = fields.DecimalField(max_digits=18, decimal_places=4, default=0)
    base_units = fields.IntField(default=0)
    base_value = fields.DecimalField(max_digits=18, decimal_places=4, default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "rebate_accrual"
        unique_together = (("manufacturer_id", "program_id", "partner_id", "period"),)
        indexes = (("manufacturer_id", "partner_id"),)


class RebatePayout(Model):
    """One payment of a program to a partner (interim or final), with the claim and memo
    it was made through; settlement pays the accrued amount less the sum of these."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    program_id = fields.BigIntField()
    partner_id = fields.IntField()
    claim_id = fields.BigIntField()
    memo_id = fields.BigIntField()
    kind = fields.CharField(max_length=8)  # INTERIM or FINAL
    # The scheduled interval ("2026-10", "2026-Q4") an automatic interim payout is for.
    interval = fields.CharField(max_length=8, null=True)
    amount = fields.DecimalField(max_digits=18, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rebate_payout"
        indexes = (("manufacturer_id", "program_id", "partner_id"),)
        unique_together = (("manufacturer_id", "program_id", "partner_id", "interval"),)


class RebateDirty(Model):
    """A (partner, period) whose ledger changed since its accruals were computed; marked
    in the posting's transaction, deleted by the job only at the version it read."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    partner_id = fields.IntField()
    period = fields.CharField(max_length=8)
    version = fields.IntField(default=0)

    class Meta:
        table = "rebate_dirty"
        unique_together = (("manufacturer_id", "partner_id", "period"),)
