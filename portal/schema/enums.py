"""The stored enumerations, exposed in the graph under the same names.

``strawberry.enum`` registers a class in place and returns it, so each name is bound to the
stored class itself: a plain alias, which mypy accepts as an annotation (a call's result is not).
"""

from __future__ import annotations

import strawberry

from portal.models import enums

Role = enums.Role
PartnerTier = enums.PartnerTier
WarehouseKind = enums.WarehouseKind
PeriodGranularity = enums.PeriodGranularity
ReceiptMode = enums.ReceiptMode
FileRejectionPolicy = enums.FileRejectionPolicy
OrderingMode = enums.OrderingMode
InsufficientStockPolicy = enums.InsufficientStockPolicy
CountVariancePolicy = enums.CountVariancePolicy

strawberry.enum(Role)
strawberry.enum(PartnerTier)
strawberry.enum(WarehouseKind)
strawberry.enum(PeriodGranularity)
strawberry.enum(ReceiptMode)
strawberry.enum(FileRejectionPolicy)
strawberry.enum(OrderingMode)
strawberry.enum(InsufficientStockPolicy)
strawberry.enum(CountVariancePolicy)
