"""The seam between apps: subscribers run in a defined order, inside the announcer's transaction."""

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ledgerline.events import Event, EventBus
from tests.factories import SiteFactory


@dataclass(frozen=True, kw_only=True)
class ThingHappened(Event):
    name: str


@dataclass(frozen=True, kw_only=True)
class OtherThingHappened(Event):
    name: str


@dataclass(frozen=True, kw_only=True)
class ThingProposed(Event):
    before_change = True
    name: str


@pytest.mark.django_db
def test_subscribers_run_by_order_key_then_in_the_order_they_subscribed():
    bus, calls = EventBus(), []
    bus.subscribe(ThingHappened, lambda e: calls.append(("late", e.name)), order=200)
    bus.subscribe(ThingHappened, lambda e: calls.append(("first", e.name)))
    bus.subscribe(ThingHappened, lambda e: calls.append(("second", e.name)))
    bus.subscribe(ThingHappened, lambda e: calls.append(("early", e.name)), order=10)
    bus.subscribe(OtherThingHappened, lambda e: calls.append(("other", e.name)))

    with transaction.atomic():
        bus.announce(ThingHappened(actor=None, name="pump"))

    assert calls == [("early", "pump"), ("first", "pump"), ("second", "pump"), ("late", "pump")]


@pytest.mark.django_db
def test_subscribing_the_same_function_twice_runs_it_once():
    bus, calls = EventBus(), []

    def handler(event):
        calls.append(event.name)

    bus.subscribe(ThingHappened, handler)
    bus.subscribe(ThingHappened, handler, order=5)  # e.g. ready() run a second time
    with transaction.atomic():
        bus.announce(ThingHappened(actor=None, name="pump"))

    assert calls == ["pump"]
    assert [s.order for s in bus.subscriptions(ThingHappened)] == [100]


@pytest.mark.django_db
def test_a_failing_subscriber_rolls_the_whole_change_back_and_stops_the_later_ones():
    bus, calls = EventBus(), []

    def records_too(event):
        SiteFactory(code="BY-SUBSCRIBER")
        calls.append("records")

    def refuses(event):
        raise RuntimeError("no")

    bus.subscribe(ThingHappened, records_too, order=1)
    bus.subscribe(ThingHappened, refuses, order=2)
    bus.subscribe(ThingHappened, lambda e: calls.append("never"), order=3)

    with pytest.raises(RuntimeError, match="no"), transaction.atomic():
        SiteFactory(code="THE-CHANGE")
        bus.announce(ThingHappened(actor=None, name="site"))

    from assetreg.models import Site

    assert not Site.objects.filter(code__in=["THE-CHANGE", "BY-SUBSCRIBER"]).exists()
    assert calls == ["records"]


@pytest.mark.django_db
def test_an_event_nobody_subscribed_to_is_a_no_op():
    bus = EventBus()
    bus.subscribe(OtherThingHappened, lambda e: pytest.fail("wrong event type"))

    with CaptureQueriesContext(connection) as queries:
        bus.announce(ThingHappened(actor=None, name="pump"))  # not even in a transaction: nothing runs

    assert len(queries) == 0


def test_announcing_a_fact_outside_a_transaction_is_refused_but_a_question_before_the_change_is_not():
    # No database fixture: the test is not wrapped in a transaction, as a service that forgot atomic() would not be.
    bus, calls = EventBus(), []
    bus.subscribe(ThingHappened, lambda e: calls.append("fact"))
    bus.subscribe(ThingProposed, lambda e: calls.append("question"))

    with pytest.raises(RuntimeError, match="inside the transaction"):
        bus.announce(ThingHappened(actor=None, name="pump"))
    bus.announce(ThingProposed(actor=None, name="pump"))

    assert calls == ["question"]


def test_only_event_types_can_be_subscribed_to():
    with pytest.raises(TypeError):
        EventBus().subscribe(dict, lambda e: None)  # type: ignore[arg-type]
