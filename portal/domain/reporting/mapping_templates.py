"""Mapping templates: a partner's own file layout, named, per kind."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.text import SHORT, clean_text, text_problem
from portal.domain.catalog.lookups import partner_scope
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.reporting.files import fields_of
from portal.domain.tenancy import save_fields
from portal.models import MappingTemplate
from portal.models.enums import SubmissionKind


async def _partner(principal: Principal, partner_code: str | None) -> int:
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    return partner_id


async def visible_templates(
    principal: Principal, partner_code: str | None = None
) -> QuerySet[MappingTemplate]:
    principal.require(Action.VIEW_INVENTORY)
    templates = MappingTemplate.filter(manufacturer_id=principal.manufacturer_id)
    partner_id = await partner_scope(principal, partner_code)
    return templates.filter(partner_id=partner_id) if partner_id is not None else templates


async def save_template(
    principal: Principal,
    *,
    name: str,
    kind: SubmissionKind,
    columns: dict[str, str],
    date_format: str = "%Y-%m-%d",
    decimal_comma: bool = False,
    delimiter: str | None = None,
    header_row: int = 1,
    partner_skus: bool = False,
    partner_code: str | None = None,
) -> MappingTemplate:
    """Create or replace the named template."""
    principal.require(Action.SUBMIT_REPORTS)
    partner_id = await _partner(principal, partner_code)
    clean_name = clean_text(name, "name", max_length=SHORT)
    known, _ = fields_of(kind)
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            f"Unknown fields {', '.join(unknown)}; known: {', '.join(known)}.",
            ["columns"],
        )
    if any(not str(v).strip() or text_problem(str(v).strip(), SHORT) for v in columns.values()):
        raise DomainError(
            ErrorCode.INVALID,
            f"Column names are 1 to {SHORT} characters without control characters.",
            ["columns"],
        )
    try:
        if text_problem(date_format, 32):
            raise ValueError(date_format)
        date.today().strftime(date_format)
        if "%" not in date_format:
            raise ValueError(date_format)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "dateFormat is a strftime format like %d.%m.%Y.", ["dateFormat"]
        ) from None
    if delimiter is not None and (
        len(delimiter) != 1
        or delimiter in "\r\n\"'"
        or (delimiter != "\t" and text_problem(delimiter, 1))
    ):
        raise DomainError(ErrorCode.INVALID, "delimiter is one character.", ["delimiter"])
    if not 1 <= header_row <= 100:
        raise DomainError(ErrorCode.INVALID, "headerRow is 1 to 100.", ["headerRow"])
    values: dict[str, Any] = {
        "kind": kind,
        "columns": {k: str(v).strip() for k, v in columns.items()},
        "date_format": date_format,
        "decimal_comma": decimal_comma,
        "delimiter": delimiter,
        "header_row": header_row,
        "partner_skus": partner_skus,
    }
    template, created = await MappingTemplate.get_or_create(
        manufacturer_id=principal.manufacturer_id,
        partner_id=partner_id,
        name=clean_name,
        defaults=values,
    )
    if not created:  # replaced by tenant and id (``update_or_create`` saves by id alone)
        template.update_from_dict(values)
        await save_fields(template, *values)
    return template


async def delete_template(principal: Principal, name: str, partner_code: str | None = None) -> None:
    principal.require(Action.SUBMIT_REPORTS)
    partner_id = await _partner(principal, partner_code)
    if not await MappingTemplate.filter(
        manufacturer_id=principal.manufacturer_id, partner_id=partner_id, name=name
    ).delete():
        raise DomainError(ErrorCode.NOT_FOUND, f"No mapping template '{name}'.", ["name"])
