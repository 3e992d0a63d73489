"""The seam between apps: an app announces what happened, the apps that care react.

The app where a thing happens (the register: an asset was created, disposed, ...) defines its events as
frozen dataclasses deriving from `Event`, in its own `events.py`, and announces them from its services:

    events.announce(AssetDisposed(actor=actor, asset=asset, disposal=disposal))

Another app subscribes in its `AppConfig.ready()`:

    events.subscribe(AssetDisposed, subscriptions.post_disposal, order=100)

Rules of the seam:
- Subscribers run synchronously, inside the announcer's `transaction.atomic()` block. An exception from a
  subscriber (a `ValidationError` with field messages, say) propagates to the announcer, so the whole
  change rolls back and the user hears the reason. `announce` refuses to run outside a transaction, except
  for events that ask a question before anything is written (`Event.before_change = True`, e.g. "may this
  change happen?"), which a subscriber answers by raising.
- Order is defined: by the `order` key given at subscription (lower first), then by registration order.
- An event nobody subscribes to is a no-op: announcing costs nothing and writes nothing.
- This is not Django's signal machinery: there are no model signals, no senders and no weak references;
  subscribing the same function twice to the same event is ignored (ready() may run more than once).

Dependencies still point one way: the subscriber imports the announcer's events, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import transaction

if TYPE_CHECKING:
    from .policy import Actor

E = TypeVar("E", bound="Event")


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened (or, with `before_change`, is about to happen), and who did it."""

    actor: Actor
    # True for a question asked before anything is written: it may be announced outside a transaction.
    before_change: ClassVar[bool] = False


@dataclass(frozen=True)
class Subscription:
    """One subscriber of one event type."""

    event_type: type[Event]
    handler: Callable[[Any], object]
    order: int
    sequence: int

    @property
    def name(self) -> str:
        return f"{getattr(self.handler, '__module__', '?')}.{getattr(self.handler, '__qualname__', self.handler)}"


class EventBus:
    """Subscribers by event type. The project uses the one module-level `bus`; tests may make their own."""

    def __init__(self) -> None:
        self._subscriptions: dict[type[Event], list[Subscription]] = {}
        self._sequence = 0

    def subscribe(self, event_type: type[E], handler: Callable[[E], object], *, order: int = 100) -> None:
        """Call `handler(event)` for every announced `event_type` (exactly that type, not subclasses)."""
        if not (isinstance(event_type, type) and issubclass(event_type, Event)):
            raise TypeError(f"{event_type!r} is not an Event type.")
        current = self._subscriptions.setdefault(event_type, [])
        if any(s.handler == handler for s in current):
            return
        self._sequence += 1
        current.append(Subscription(event_type, handler, order, self._sequence))
        current.sort(key=lambda s: (s.order, s.sequence))

    def unsubscribe(self, event_type: type[Event], handler: Callable[[Any], object]) -> None:
        """Stop calling `handler` for `event_type` (for tests; apps subscribe for the life of the process)."""
        current = self._subscriptions.get(event_type, [])
        current[:] = [s for s in current if s.handler != handler]

    def subscriptions(self, event_type: type[Event]) -> list[Subscription]:
        """Who reacts to `event_type`, in the order they run."""
        return list(self._subscriptions.get(event_type, ()))

    def announce(self, event: Event) -> None:
        """Run every subscriber of the event's type, in order, in the caller's transaction.

        Raises whatever a subscriber raises (the later ones do not run); the caller's transaction then rolls
        back. Raises RuntimeError when called outside `transaction.atomic()` (unless `before_change`).
        """
        subscriptions = self._subscriptions.get(type(event))
        if not subscriptions:
            return
        if not event.before_change and not transaction.get_connection().in_atomic_block:
            raise RuntimeError(
                f"Announce {type(event).__name__} inside the transaction.atomic() block of the change, "
                "so that a failing subscriber rolls the change back."
            )
        for subscription in list(subscriptions):
            subscription.handler(event)


bus = EventBus()
subscribe = bus.subscribe
unsubscribe = bus.unsubscribe
announce = bus.announce
subscriptions = bus.subscriptions
