"""API tokens (stored hashed) and the usage buffer the roll-up job folds into them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import Role

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="tokens"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="tokens", null=True
    )
    partner_id: int | None
    role = fields.CharEnumField(Role, max_length=24)
    label = fields.CharField(max_length=200, default="")
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        indexes = (("manufacturer_id",), ("partner_id",))


class TokenUsage(Model):
    """One row per token per process per minute of use; folded by the roll-up job."""

    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    token: fields.ForeignKeyRelation[ApiToken] = fields.ForeignKeyField(
        "models.ApiToken", related_name="usage", on_delete=fields.CASCADE
    )
    token_id: int
    used_at = fields.DatetimeField()

    class Meta:
        table = "token_usage"
        indexes = (("token_id",),)
