"""Grouping the rows of one batched read under the keys a DataLoader asked for.

    lines = group_under(ids, await Line.filter(doc_id__in=ids).order_by("id"), lambda r: r.doc_id)
    # [[lines of ids[0]], [lines of ids[1]], ...]: every key gets a list, in the order asked

Rows whose key was not asked for are dropped; ``limit`` keeps at most that many per key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


def group_under(
    keys: Sequence[K], rows: Iterable[R], key_of: Callable[[R], K], limit: int | None = None
) -> list[list[R]]:
    grouped: dict[K, list[R]] = {key: [] for key in keys}
    for row in rows:
        group = grouped.get(key_of(row))
        if group is not None and (limit is None or len(group) < limit):
            group.append(row)
    return [grouped[key] for key in keys]
