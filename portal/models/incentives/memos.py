"""Credit memos: what finance pays (or claws back), numbered without gaps per tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class CreditMemo(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="credit_memos"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="credit_memos"
    )
    partner_id: int
    claim_id = fields.BigIntField()
    sequence = fields.IntField()
    number = fields.CharField(max_length=32)
    kind = fields.CharField(max_length=8, default="CREDIT")  # CREDIT or DEBIT (clawback)
    period = fields.CharField(max_length=8, null=True)
    currency = fields.CharField(max_length=3)
    amount = fields.DecimalField(max_digits=18, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "credit_memo"
        unique_together = (("manufacturer", "sequence"),)
        indexes = (("manufacturer_id", "claim_id"), ("partner_id",))


class CreditMemoLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    memo: fields.ForeignKeyRelation[CreditMemo] = fields.ForeignKeyField(
        "models.CreditMemo", related_name="lines", on_delete=fields.CASCADE
    )
    memo_id: int
    claim_line_id = fields.BigIntField()
    sku = fields.CharField(max_length=64)
    quantity = fields.IntField()
    unit_credit = fields.DecimalField(max_digits=18, decimal_places=4)
    amount = fields.DecimalField(max_digits=18, decimal_places=2)
    reason = fields.CharField(max_length=300, default="")

    class Meta:
        table = "credit_memo_line"
        indexes = (("manufacturer_id", "memo_id"), ("memo_id",))


class MemoCounter(Model):
    """The last memo number of a tenant, locked ``FOR UPDATE`` by whoever takes the next."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField(unique=True)
    last_number = fields.IntField(default=0)

    class Meta:
        table = "memo_counter"
