"""What later features add to the youth training's public pages, registered by them.

Dependencies run one way (selection → review → youth), so youth never imports selection.
Selection registers here, from its own views module, what the student's private page shows
of the result and the offer, the answers to the offer posted to that page, and what /youth/
lists; youth's views call whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from booking.youth.models import Application

# More template variables for /youth/. The page is cached (booking.core.cache): a provider
# gives values read lazily (core.cache.Lazy), and adds the models it reads to INDEX_SOURCES.
INDEX_CONTEXT: list[Callable[[], dict[str, Any]]] = []
INDEX_SOURCES: list[Any] = []

# More template variables for the student's private page.
APPLICATION_CONTEXT: list[Callable[[Application], dict[str, Any]]] = []

# Forms posted to the student's private page, by their `action` value. Each returns None
# when done (the page is shown again, fresh), or the template variables of what to show
# beside the page (a problem to correct: the page answers 422). A returned `action_form`
# has its errors listed in the page's error summary, which takes the focus.
APPLICATION_ACTIONS: dict[str, Callable[[Application], dict[str, Any] | None]] = {}


def context(providers: list[Callable[..., dict[str, Any]]], *args: Any) -> dict[str, Any]:
    """The template variables every provider adds."""
    merged: dict[str, Any] = {}
    for provider in providers:
        merged |= provider(*args)
    return merged
