"""The busy-term allocation as a pure function: the rule's order, the seeded draw, the room
each day has, and re-running it from its inputs."""

from __future__ import annotations

import random
from datetime import date

import pytest

from booking.lectures.rounds import (
    Choice,
    Entry,
    allocate,
    digest,
    draw,
    inputs_from_data,
    inputs_to_data,
    order,
)

MON, TUE, WED = date(2027, 1, 18), date(2027, 1, 19), date(2027, 1, 20)
SEEDS = [f"{n:032x}" for n in range(1, 21)]


def entry(key: str, last_served: date | None = None, *days: date, school: str | None = None) -> Entry:
    return Entry(
        key, school or f"school:{key}", last_served, tuple(Choice(i, d) for i, d in enumerate(days, 1))
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_never_served_come_before_least_recently_served_whatever_the_seed(seed):
    entries = [
        entry("recent", date(2026, 6, 1), MON),
        entry("never", None, MON),
        entry("long-ago", date(2021, 6, 1), MON),
        entry("middle", date(2024, 6, 1), MON),
    ]
    assert [e.key for e in order(entries, seed)] == ["never", "long-ago", "middle", "recent"]


def test_ties_are_ordered_by_the_draw_of_the_seed():
    entries = [entry(f"L-2026-{n:04d}", None, MON) for n in range(1, 8)]
    seed = SEEDS[0]
    expected = sorted((e.key for e in entries), key=lambda key: draw(seed, key))
    assert [e.key for e in order(entries, seed)] == expected


def test_the_same_seed_gives_the_same_result_in_any_input_order():
    entries = [entry(f"L-2026-{n:04d}", None, MON, TUE) for n in range(1, 10)]
    capacity = {MON: 2, TUE: 1}
    first = allocate(entries, capacity, SEEDS[3])
    shuffled = entries[:]
    random.Random(7).shuffle(shuffled)
    assert allocate(shuffled, capacity, SEEDS[3]) == first
    assert allocate(entries, capacity, SEEDS[3]) == first


def test_another_seed_can_give_another_order_of_ties():
    entries = [entry(f"L-2026-{n:04d}", None, MON) for n in range(1, 8)]
    orders = {tuple(e.key for e in order(entries, seed)) for seed in SEEDS}
    assert len(orders) > 1


def test_each_request_gets_its_earliest_choice_with_room_or_none():
    entries = [
        entry("a", None, MON, TUE),
        entry("b", date(2025, 1, 1), MON, TUE),
        entry("c", date(2026, 1, 1), MON, TUE),
        entry("d", date(2026, 2, 1), MON),
    ]
    outcomes = {o.key: o for o in allocate(entries, {MON: 1, TUE: 1}, SEEDS[0])}
    assert outcomes["a"].choice == Choice(1, MON)
    assert outcomes["b"].choice == Choice(2, TUE)
    assert outcomes["c"].choice is None and outcomes["d"].choice is None
    assert [outcomes[k].position for k in "abcd"] == [1, 2, 3, 4]


def test_a_day_without_room_is_never_given():
    outcomes = allocate([entry("a", None, WED)], {WED: 0}, SEEDS[0])
    assert outcomes[0].choice is None and not outcomes[0].allocated


def test_choices_are_tried_in_the_schools_order_of_preference():
    wanted = Entry("a", "school:1", None, (Choice(2, MON), Choice(1, TUE)))
    assert allocate([wanted], {MON: 1, TUE: 1}, SEEDS[0])[0].choice == Choice(1, TUE)


@pytest.mark.parametrize("seed", SEEDS[:5])
def test_a_schools_second_request_waits_for_every_schools_first(seed):
    entries = [
        entry("one-a", None, MON, school="school:1"),
        entry("one-b", None, MON, school="school:1"),
        entry("two", date(2026, 5, 1), MON, school="school:2"),
    ]
    keys = [e.key for e in order(entries, seed)]
    assert keys[1] == "two" and set(keys[::2]) == {"one-a", "one-b"}
    outcomes = {o.key: o for o in allocate(entries, {MON: 2}, seed)}
    assert outcomes["two"].allocated
    assert sum(outcomes[k].allocated for k in ("one-a", "one-b")) == 1


def test_no_requests_give_no_outcomes():
    assert allocate([], {MON: 3}, SEEDS[0]) == []


def test_inputs_survive_the_round_trip_and_keep_their_digest():
    entries = [entry("b", date(2024, 4, 1), MON, TUE), entry("a", None, WED)]
    capacity = {MON: 1, TUE: 0, WED: 2}
    data = inputs_to_data(entries, capacity)
    again_entries, again_capacity = inputs_from_data(data)
    assert again_capacity == capacity
    assert sorted(again_entries, key=lambda e: e.key) == sorted(entries, key=lambda e: e.key)
    assert digest(inputs_to_data(list(reversed(entries)), capacity)) == digest(data)
    assert digest(inputs_to_data(entries, {**capacity, WED: 1})) != digest(data)
    assert allocate(again_entries, again_capacity, SEEDS[1]) == allocate(entries, capacity, SEEDS[1])
