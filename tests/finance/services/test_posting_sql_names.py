"""The posting statements take every table, column and enumeration value from the models and choices: a rename
changes the SQL with it (checked on any database: the statements are built, not run)."""

import re

import pytest

from assetreg.choices import AssetStatus, DepreciationMethod, FirstPeriodConvention
from assetreg.models import Asset, MeterReading
from finance import plans, posting
from finance.choices import EntryKind
from finance.models import DepreciationPlan, ValueEntry

# The literals the statements may spell out themselves: interval and date_trunc words, and empty defaults.
SQL_WORDS = {"1 day", "1 month - 1 day", "month", "", "{}"}


@pytest.fixture(autouse=True)
def fresh_statements():
    posting.post_sql_text.cache_clear()
    posting.plans_sql_text.cache_clear()
    yield
    posting.post_sql_text.cache_clear()
    posting.plans_sql_text.cache_clear()


def statements():
    return [
        posting.post_sql_text(skip_conflicts=True),
        posting.post_sql_text(skip_conflicts=False),
        posting.plans_sql_text(),
    ]


def test_every_quoted_value_in_the_statements_is_a_choice_or_an_sql_word():
    choices = {*EntryKind.values, *AssetStatus.values, *DepreciationMethod.values, *FirstPeriodConvention.values}
    currencies = set(re.findall(r"\('([A-Z]{3})', \d\)", posting.plans_sql_text()))

    code = [re.sub(r"--[^\n]*", "", text) for text in statements()]  # comments may hold apostrophes

    quoted = {value for text in code for value in re.findall(r"'([^']*)'", text)}

    assert quoted - currencies <= choices | SQL_WORDS
    assert {EntryKind.DEPRECIATION, DepreciationMethod.UNITS_OF_PRODUCTION, AssetStatus.IN_SERVICE} <= quoted


def test_a_renamed_table_or_column_is_renamed_in_the_statements(monkeypatch):
    monkeypatch.setattr(ValueEntry._meta, "db_table", "ledger_entry")
    monkeypatch.setattr(ValueEntry._meta.get_field("kind"), "column", "entry_kind")
    monkeypatch.setattr(DepreciationPlan._meta.get_field("life_months"), "column", "life")
    monkeypatch.setattr(MeterReading._meta, "db_table", "meter_reading")
    monkeypatch.setattr(Asset._meta.get_field("status"), "column", "lifecycle_status")

    post, _, make_plans = statements()

    assert "finance_valueentry" not in post and "INSERT INTO ledger_entry" in post
    assert "prev.kind" not in post and "prev.entry_kind = 'depreciation'" in post
    assert "p.life AS l" in post and "meter_reading r" in post
    assert "a.lifecycle_status IN (" in post and "a.lifecycle_status IN (" in make_plans


def test_the_valued_statuses_come_from_the_plans_module(monkeypatch):
    monkeypatch.setattr(plans, "VALUED_STATUSES", (AssetStatus.IN_SERVICE,))

    post, _, make_plans = statements()

    assert "a.status IN ('in_service')" in post and "a.status IN ('in_service')" in make_plans


def test_a_field_that_no_longer_exists_fails_when_the_statement_is_built(monkeypatch):
    monkeypatch.setattr(posting, "POST_SQL", posting.POST_SQL.replace("{plan.period_count}", "{plan.periods}"))

    with pytest.raises(Exception, match="periods"):
        posting.post_sql_text(skip_conflicts=True)


def test_only_plain_constants_are_written_as_literals():
    assert posting.sql_literal(EntryKind.DEPRECIATION) == "'depreciation'"
    with pytest.raises(ValueError):
        posting.sql_literal("x'; DROP TABLE finance_valueentry; --")


def test_on_conflict_names_the_unique_index_of_one_depreciation_per_month():
    text = posting.post_sql_text(skip_conflicts=True)

    assert "ON CONFLICT (period, asset_id) WHERE kind = 'depreciation' DO NOTHING" in text
    assert "ON CONFLICT" not in posting.post_sql_text(skip_conflicts=False)
