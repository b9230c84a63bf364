"""Claims, their lines, the POS units they were proved by, and the pools that serialise
the allocation of those units (one row per partner, period, product and end customer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import ClaimKind, ClaimLineStatus, ClaimStatus

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class Claim(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="claims"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="claims"
    )
    partner_id: int
    kind = fields.CharEnumField(ClaimKind, max_length=20)
    period = fields.CharField(max_length=8, null=True)
    program_id = fields.BigIntField(null=True)  # PRICE_PROTECTION: its program
    status = fields.CharEnumField(ClaimStatus, max_length=20, default=ClaimStatus.SUBMITTED)
    currency = fields.CharField(max_length=3, default="USD")
    claimed_amount = fields.DecimalField(max_digits=18, decimal_places=2, default=0)
    approved_amount = fields.DecimalField(max_digits=18, decimal_places=2, null=True)
    review_note = fields.CharField(max_length=1000, null=True)
    token_id = fields.IntField(null=True)
    validated_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "claim"
        indexes = (
            ("manufacturer_id", "partner_id", "status"),
            ("partner_id",),
            ("manufacturer_id", "program_id"),
        )


class ClaimLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    claim: fields.ForeignKeyRelation[Claim] = fields.ForeignKeyField(
        "models.Claim", related_name="lines", on_delete=fields.CASCADE
    )
    claim_id: int
    line_no = fields.IntField()
    product_id = fields.IntField()
    sku = fields.CharField(max_length=64)
    quantity = fields.IntField()
    end_customer_name = fields.CharField(max_length=300, default="")
    warehouse_id = fields.IntField(null=True)
    agreement_id = fields.BigIntField(null=True)  # asked for by the partner (the draft's)
    agreement_line_id = fields.BigIntField(null=True)  # the one validation matched
    approved_quantity = fields.IntField(null=True)
    unit_credit = fields.DecimalField(max_digits=18, decimal_places=4, null=True)
    amount = fields.DecimalField(max_digits=18, decimal_places=2, null=True)
    clawed_back_quantity = fields.IntField(default=0)
    status = fields.CharEnumField(ClaimLineStatus, max_length=10, default=ClaimLineStatus.PENDING)
    codes: fields.JSONField[list[str]] = fields.JSONField(default=list)

    class Meta:
        table = "claim_line"
        # The tenant leads the claim's key: one index answers (tenant, claim) -- a planner
        # without statistics ANDed the tenant's (manufacturer_id, ...) index into every
        # claim's read and update, reading the tenant's lines per claim -- and a unique key
        # that holds the shard key is what a sharded table (Citus) can enforce.
        unique_together = (("manufacturer_id", "claim", "line_no"),)
        indexes = (("manufacturer_id", "agreement_line_id"), ("claim_id",))


class ClaimPool(Model):
    """The POS units of one (partner, period, product, end customer): the row each claim
    validation locks before it allocates units of it, so two validations never both
    take the same unit."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    partner_id = fields.IntField()
    period = fields.CharField(max_length=8)
    product_id = fields.IntField()
    end_customer_id = fields.BigIntField()

    class Meta:
        table = "claim_pool"
        unique_together = (
            ("manufacturer_id", "partner_id", "period", "product_id", "end_customer_id"),
        )


class ClaimAllocation(Model):
    """Units of a pool credited to a claim line (signed: a release or a clawback is a
    negative row), with the POS line that proved them. The sum per pool is what is
    claimed; it never exceeds the pool's proved units.

    Written in bulk by every validation (one row per POS line behind the units): its
    references carry no database constraint (per-row trigger checks were half of that
    INSERT); pools and claim lines are never deleted, and the rows are written only by
    ``evidence.allocate``, ``bulk.insert_allocations`` and releases, from rows they read."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()
    pool: fields.ForeignKeyRelation[ClaimPool] = fields.ForeignKeyField(
        "models.ClaimPool",
        related_name="allocations",
        on_delete=fields.RESTRICT,
        db_constraint=False,
    )
    pool_id: int
    claim_line: fields.ForeignKeyRelation[ClaimLine] = fields.ForeignKeyField(
        "models.ClaimLine",
        related_name="allocations",
        on_delete=fields.CASCADE,
        db_constraint=False,
    )
    claim_line_id: int
    agreement_line_id = fields.BigIntField()  # what the units count against (maxQuantity)
    pos_line_id = fields.BigIntField(null=True)
    quantity = fields.IntField()
    reason = fields.CharField(max_length=20, default="CLAIMED")  # CLAIMED RELEASED CLAWBACK
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "claim_allocation"
        # Every index leads with the tenant (each one is written per allocated POS line).
        indexes = (
            ("manufacturer_id", "pool_id"),
            ("manufacturer_id", "agreement_line_id"),
            ("manufacturer_id", "claim_line_id"),
        )
