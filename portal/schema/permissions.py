"""Field permissions from the one rule table of :mod:`portal.domain.access.principal`.

@strawberry.field(permission_classes=[allow(Action.VIEW_CHANNEL)])
"""

from __future__ import annotations

from functools import cache
from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from portal.domain.access.principal import Action


@cache
def allow(action: Action) -> type[BasePermission]:
    class Allowed(BasePermission):
        message = f"Forbidden: your role may not {action.value.lower()}."
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            return bool(info.context.principal.may(action))

    Allowed.__name__ = "Allow" + action.value.title().replace("_", "")
    return Allowed
