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
    """Dinic's max-flow. Edges live in flat lists of numbers (edge e's reverse is e ^ 1): a
    graph of 1,000 applications and 40 reviewers has some 80,000 edges, and one small list
    per edge would keep the garbage collector busy for longer than the flow itself takes.
    """

    def __init__(self, size: int) -> None:
        self.adjacent: list[list[int]] = [[] for _ in range(size)]
        self.head: list[int] = []
        self.capacity: list[int] = []

    def add(self, tail: int, head: int, capacity: int) -> int:
        """An edge and its reverse; returns the edge's number."""
        edge = len(self.head)
        self.head += (head, tail)
        self.capacity += (capacity, 0)
        self.adjacent[tail].append(edge)
        self.adjacent[head].append(edge + 1)
        return edge

    def _levels(self, source: int, sink: int) -> list[int] | None:
        level = [-1] * len(self.adjacent)
        level[source] = 0
        queue = deque([source])
        head, capacity = self.head, self.capacity
        while queue:
            node = queue.popleft()
            for edge in self.adjacent[node]:
                if capacity[edge] > 0 and level[head[edge]] < 0:
                    level[head[edge]] = level[node] + 1
                    queue.append(head[edge])
        return level if level[sink] >= 0 else None

    def _push(self, node: int, sink: int, limit: int, level: list[int], cursor: list[int]) -> int:
        if node == sink:
            return limit
        edges = self.adjacent[node]
        head, capacity = self.head, self.capacity
        while cursor[node] < len(edges):
            edge = edges[cursor[node]]
            if capacity[edge] > 0 and level[head[edge]] == level[node] + 1:
                pushed = self._push(head[edge], sink, min(limit, capacity[edge]), level, cursor)
                if pushed:
                    capacity[edge] -= pushed
                    capacity[edge ^ 1] += pushed
                    return pushed
            cursor[node] += 1
        return 0

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while (level := self._levels(source, sink)) is not None:
            cursor = [0] * len(self.adjacent)
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
    pair_edges: list[tuple[int, int, int]] = []
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
    for app, reviewer, edge in pair_edges:
        if network.capacity[edge] == 0:
            chosen[app].add(reviewer)
    return chosen


def _gallop(first: int, last: int, feasible) -> int:
    """The first value from `first` towards `last` (either direction) that is feasible, when
    feasibility is monotone and `last` is feasible: steps of 1, 2, 4... then a binary search.

    The answer is nearly always at or next to `first` (the even share of the work), so this
    takes one or two flows where a plain binary search over the whole range takes a dozen.
    """
    direction = 1 if last >= first else -1
    step, behind, probe = 1, first - direction, first
    while probe != last and not feasible(probe):
        behind = probe
        probe = first + direction * step if abs(step) < abs(last - first) else last
        step *= 2
    # The answer lies after `behind` and at or before `probe`.
    low, high = sorted((behind + direction, probe))
    while low < high:
        if direction > 0:
            middle = (low + high) // 2
            low, high = (low, middle) if feasible(middle) else (middle + 1, high)
        else:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if feasible(middle) else (low, middle - 1)
    return low


def _balanced(
    need: dict[int, int],
    candidates: dict[int, list[int]],
    fixed_load: dict[int, int],
    reviewers: Sequence[int],
) -> dict[int, set[int]]:
    """The assignment with the smallest highest load and, with it, the largest lowest load."""
    if not reviewers:
        return {app: set() for app in need}
    flows: dict[tuple[int, int], dict[int, set[int]] | None] = {}

    def flow(lowest: int, highest: int) -> dict[int, set[int]] | None:
        if (lowest, highest) not in flows:
            flows[lowest, highest] = _flow(need, candidates, fixed_load, reviewers, lowest, highest)
        return flows[lowest, highest]

    total = sum(fixed_load.values()) + sum(need.values())
    # The smallest feasible highest load (with no lower bound): never below the even share.
    low = max(max(fixed_load.values()), -(-total // len(reviewers)))
    high = max(low, max(fixed_load.values()) + len(need))
    highest = _gallop(low, high, lambda h: flow(0, h) is not None)
    # The largest feasible lowest load, given the highest: never above the even share.
    lowest = _gallop(min(highest, total // len(reviewers)), 0, lambda lo: flow(lo, highest) is not None)
    found = flow(lowest, highest)
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
