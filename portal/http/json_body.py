"""JSON request bodies and websocket messages, decoded with a bounded nesting depth.

    decode_bounded(b'{"query": "{ viewer { role } }"}', max_depth=MAX_JSON_DEPTH)

A document nested deeper than ``max_depth`` (arrays and objects) raises
:class:`JsonTooDeep`, a ``JSONDecodeError``, so that every caller that handles malformed
JSON handles it too (HTTP 400, websocket close 4400); one nested past the interpreter's
recursion limit is refused the same way instead of crashing the decoder.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 64


class JsonTooDeep(json.JSONDecodeError):
    def __init__(self, max_depth: int) -> None:
        super().__init__(f"The JSON is nested deeper than {max_depth} levels", "", 0)
        self.message = f"The JSON body is nested deeper than {max_depth} levels."


def depth_of(value: Any) -> int:
    """The nesting depth of a decoded value (a scalar: 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
    return deepest


def decode_bounded(data: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonTooDeep(max_depth) from None
    if depth_of(value) > max_depth:
        raise JsonTooDeep(max_depth)
    return value
