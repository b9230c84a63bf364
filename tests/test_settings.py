"""Settings refuse what cannot work, with the setting named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from portal.settings import Settings


@pytest.mark.parametrize("maxsize", ["1", "0", "two", "", "²", "-3"])
def test_a_postgres_pool_too_small_to_validate_a_file_is_refused(maxsize: str) -> None:
    # A pool of one would hang the first POS file's validation: its transaction holds the
    # only connection while its progress waits for another.
    with pytest.raises(ValidationError, match="maxsize must be a whole number of at least 2"):
        Settings(database_url=f"postgres://u@h/db?maxsize={maxsize}")


@pytest.mark.parametrize("spelling", ["max_size=1", "maxsize=5&max_size=1", "min_size=1"])
def test_the_pool_is_set_by_tortoise_s_own_parameters_only(spelling: str) -> None:
    # asyncpg's spelling would override the pool tortoise reports (and the checks above)
    with pytest.raises(ValidationError, match=r"set the pool with m(ax|in)size"):
        Settings(database_url=f"postgres://u@h/db?{spelling}")


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u@h/db",
        "postgres://u@h/db?maxsize=2",
        "asyncpg://u@h/db?minsize=1&maxsize=20",
        "postgres://u@h/db?maxsize=%203",
        "sqlite://portal.sqlite3",
    ],
)
def test_database_urls_that_work_are_taken(url: str) -> None:
    assert Settings(database_url=url).database_url == url


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValidationError, match="must start with sqlite:// or postgres://"):
        Settings(database_url="mysql://u@h/db")
