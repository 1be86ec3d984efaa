"""The tables, unique constraints and indexes as the database reports them (not as models say)."""

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _constraints(table: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        return list(connection.introspection.get_constraints(cursor, table).values())


def _unique_column_sets(table: str) -> list[list[str]]:
    return [
        c["columns"]
        for c in _constraints(table)
        if c["unique"] and not c["primary_key"] and c["columns"]
    ]


def _index_column_lists(table: str) -> list[list[str]]:
    """Column lists of every index, unique or not (a unique constraint is an index too)."""
    return [
        c["columns"]
        for c in _constraints(table)
        if (c["index"] or c["unique"]) and not c["primary_key"] and c["columns"]
    ]


def test_tables_have_the_contract_names() -> None:
    tables = set(connection.introspection.table_names())
    assert {"hub_church", "hub_fast", "hub_day", "hub_profile", "hub_profile_fasts"} <= tables


def test_day_indexes() -> None:
    assert ["fast_id", "date"] in _unique_column_sets("hub_day")
    indexes = _index_column_lists("hub_day")
    assert ["date"] in indexes
    assert ["church_id", "date"] in indexes


def test_membership_unique_pair_and_index_led_by_fast() -> None:
    assert ["profile_id", "fast_id"] in _unique_column_sets("hub_profile_fasts")
    assert any(columns[0] == "fast_id" for columns in _index_column_lists("hub_profile_fasts"))


def test_fast_unique_constraints() -> None:
    uniques = _unique_column_sets("hub_fast")
    assert ["name", "church_id", "year"] in uniques
    assert ["culmination_feast_date", "church_id"] in uniques


def test_church_name_unique_and_profile_user_one_to_one() -> None:
    assert ["name"] in _unique_column_sets("hub_church")
    assert ["user_id"] in _unique_column_sets("hub_profile")
