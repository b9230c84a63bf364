"""The stored enumerations, exposed in the graph under the same names."""

from __future__ import annotations

import strawberry

from portal.models import enums

Role = strawberry.enum(enums.Role)
PartnerTier = strawberry.enum(enums.PartnerTier)
WarehouseKind = strawberry.enum(enums.WarehouseKind)
PeriodGranularity = strawberry.enum(enums.PeriodGranularity)
ReceiptMode = strawberry.enum(enums.ReceiptMode)
FileRejectionPolicy = strawberry.enum(enums.FileRejectionPolicy)
