"""Who reviews which essay: a pure function, without the database, so it can be tested as properties.

Every application gets `per_application` distinct reviewers from the pool, never one it
excludes (a declared conflict with its school, a conflict the reviewer flagged, or a
coordinator's removal), and the reviewers' loads differ by at most one whenever that is
possible. Reviews already started (and reviewers added by hand) are kept as they are.

It is a flow problem: applications on one side, reviewers on the other, an edge where a
reviewer may take an application, and each reviewer's load between a lower and an upper
bound. Among all assignments it finds the smallest highest load, then, with that, the
largest lowest load; when any assignment keeps loads within one of each other, this one
does. A small max-flow (Dinic) with lower bounds decides each step.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    applications: Sequence[int]
    # The reviewers taking part in this run.
    reviewers: Sequence[int]
    per_application: int
    # application -> reviewers who may not review it.
    excluded: Mapping[int, frozenset[int]] = field(default_factory=dict)
    # application -> reviewers whose review stays whatever happens (started, or added by hand).
    kept: Mapping[int, frozenset[int]] = field(default_factory=dict)
    # application -> reviewers assigned earlier who have not started: kept when loads allow.
    movable: Mapping[int, frozenset[int]] = field(default_factory=dict)
    seed: int = 0


@dataclass(frozen=True)
class Shortfall:
    """An application that cannot get its reviewers: `available` of `needed`."""

    application: int
    available: int
    needed: int


@dataclass
class Solution:
    # application -> every reviewer it has after the run (kept ones included).
    assignment: dict[int, set[int]]
    shortfalls: list[Shortfall]
    # reviewer of the pool -> the number of applications they review.
    loads: dict[int, int]

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0

    @property
    def balanced(self) -> bool:
        return self.spread <= 1


class _Network:
    """Dinic's max-flow on a small graph; edges are [head, capacity, index of the reverse edge]."""

    def __init__(self, size: int) -> None:
        self.edges: list[list[list[int]]] = [[] for _ in range(size)]

    def add(self, tail: int, head: int, capacity: int) -> tuple[int, int]:
        self.edges[tail].append([head, capacity, len(self.edges[head])])
        self.edges[head].append([tail, 0, len(self.edges[tail]) - 1])
        return tail, len(self.edges[tail]) - 1

    def _levels(self, source: int, sink: int) -> list[int] | None:
        level = [-1] * len(self.edges)
        level[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for head, capacity, _reverse in self.edges[node]:
                if capacity > 0 and level[head] < 0:
                    level[head] = level[node] + 1
                    queue.append(head)
        return level if level[sink] >= 0 else None

    def _push(self, node: int, sink: int, limit: int, level: list[int], cursor: list[int]) -> int:
        if node == sink:
            return limit
        while cursor[node] < len(self.edges[node]):
            edge = self.edges[node][cursor[node]]
            head, capacity, reverse = edge
            if capacity > 0 and level[head] == level[node] + 1:
                pushed = self._push(head, sink, min(limit, capacity), level, cursor)
                if pushed:
                    edge[1] -= pushed
                    self.edges[head][reverse][1] += pushed
                    return pushed
            cursor[node] += 1
        return 0

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while (level := self._levels(source, sink)) is not None:
            cursor = [0] * len(self.edges)
            while pushed := self._push(source, sink, 1 << 30, level, cursor):
                total += pushed
        return total


def _flow(
    need: dict[int, int],
    candidates: dict[int, list[int]],
    fixed_load: dict[int, int],
    reviewers: Sequence[int],
    lowest: int,
    highest: int,
) -> dict[int, set[int]] | None:
    """New reviewers per application with every pool load in [lowest, highest], or None."""
    apps = [a for a in need if need[a] > 0]
    source, sink, super_source, super_sink = 0, 1, 2, 3
    app_node = {a: 4 + i for i, a in enumerate(apps)}
    reviewer_node = {r: 4 + len(apps) + i for i, r in enumerate(reviewers)}
    network = _Network(4 + len(apps) + len(reviewers))
    excess = [0] * (4 + len(apps) + len(reviewers))
    pair_edges: list[tuple[int, int, tuple[int, int]]] = []
    for app in apps:
        excess[app_node[app]] += need[app]
        excess[source] -= need[app]
        for reviewer in candidates[app]:
            pair_edges.append((app, reviewer, network.add(app_node[app], reviewer_node[reviewer], 1)))
    for reviewer in reviewers:
        low = max(0, lowest - fixed_load[reviewer])
        high = highest - fixed_load[reviewer]
        if high < low:
            return None
        excess[sink] += low
        excess[reviewer_node[reviewer]] -= low
        if high > low:
            network.add(reviewer_node[reviewer], sink, high - low)
    network.add(sink, source, 1 << 30)
    required = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            network.add(super_source, node, amount)
            required += amount
        elif amount < 0:
            network.add(node, super_sink, -amount)
    if network.max_flow(super_source, super_sink) != required:
        return None
    chosen: dict[int, set[int]] = {app: set() for app in apps}
    for app, reviewer, (tail, index) in pair_edges:
        if network.edges[tail][index][1] == 0:
            chosen[app].add(reviewer)
    return chosen


def _balanced(
    need: dict[int, int],
    candidates: dict[int, list[int]],
    fixed_load: dict[int, int],
    reviewers: Sequence[int],
) -> dict[int, set[int]]:
    """The assignment with the smallest highest load and, with it, the largest lowest load."""
    if not reviewers:
        return {app: set() for app in need}
    total = sum(fixed_load.values()) + sum(need.values())
    low = max(max(fixed_load.values()), -(-total // len(reviewers)))
    high = max(fixed_load.values()) + len(need)
    while low < high:  # the smallest feasible highest load (with no lower bound)
        middle = (low + high) // 2
        if _flow(need, candidates, fixed_load, reviewers, 0, middle) is None:
            low = middle + 1
        else:
            high = middle
    highest = low
    low, high = 0, min(highest, total // len(reviewers))
    while low < high:  # the largest feasible lowest load, given the highest
        middle = (low + high + 1) // 2
        if _flow(need, candidates, fixed_load, reviewers, middle, highest) is None:
            high = middle - 1
        else:
            low = middle
    found = _flow(need, candidates, fixed_load, reviewers, low, highest)
    assert found is not None  # feasible by the searches above
    return found


def _solve(problem: Problem, fixed: dict[int, frozenset[int]], rng: random.Random) -> Solution:
    pool = list(dict.fromkeys(problem.reviewers))
    in_pool = set(pool)
    need: dict[int, int] = {}
    candidates: dict[int, list[int]] = {}
    shortfalls: list[Shortfall] = []
    for app in problem.applications:
        have = fixed.get(app, frozenset())
        wanted = max(0, problem.per_application - len(have))
        options = [r for r in pool if r not in have and r not in problem.excluded.get(app, frozenset())]
        rng.shuffle(options)
        # Reviewers who had this essay before are tried first, so a run changes little.
        earlier = problem.movable.get(app, frozenset())
        options.sort(key=lambda r: r not in earlier)
        if len(options) < wanted:
            shortfalls.append(Shortfall(app, len(have) + len(options), problem.per_application))
            wanted = len(options)
        need[app] = wanted
        candidates[app] = options
    fixed_load = {r: 0 for r in pool}
    for reviewers in fixed.values():
        for reviewer in reviewers:
            if reviewer in in_pool:
                fixed_load[reviewer] += 1
    chosen = _balanced(need, candidates, fixed_load, pool)
    assignment = {
        app: set(fixed.get(app, frozenset())) | chosen.get(app, set()) for app in problem.applications
    }
    loads = {r: 0 for r in pool}
    for reviewers in assignment.values():
        for reviewer in reviewers:
            if reviewer in in_pool:
                loads[reviewer] += 1
    return Solution(assignment, shortfalls, loads)


def assign(problem: Problem) -> Solution:
    """Reviewers for every application of `problem` (see the module's docstring)."""
    kept = {app: frozenset(problem.kept.get(app, frozenset())) for app in problem.applications}
    pool = set(problem.reviewers)
    movable: dict[int, frozenset[int]] = {}
    for app in problem.applications:
        usable = sorted(
            r
            for r in problem.movable.get(app, frozenset())
            if r in pool and r not in problem.excluded.get(app, frozenset()) and r not in kept[app]
        )
        movable[app] = frozenset(usable[: max(0, problem.per_application - len(kept[app]))])
    # First try keeping every earlier assignment; move some only if that evens the loads out.
    staying = {app: kept[app] | movable[app] for app in problem.applications}
    first = _solve(problem, staying, random.Random(problem.seed))
    if first.balanced and not first.shortfalls:
        return first
    second = _solve(problem, kept, random.Random(problem.seed))
    if first.spread <= max(1, second.spread) and len(first.shortfalls) <= len(second.shortfalls):
        return first
    return second
