"""A hand-built trace for the analysis tests (times in ms from the trace's start; the
expected values in the tests are computed by hand from this picture):

    0        10   30 35 45 50 60 70  80   90   100  110     125  130
    R  GET /checkout (frontend)  |---------------------------------|
    D  warmup (backend)  -5..5: starts before its parent
    A  auth (frontend)        |----------|
    B  orders (backend)            |---------------|      overlaps A
    B1 SELECT orders (backend, ERROR)  |-----|                 35..50
    B2 chat (backend, gen_ai)             |-----|              45..60, overlaps B1
    C  notify (frontend)                          |---------------------|  80..130, outlives R
    C1 send email (worker, gen_ai)                      |-------------|     90..125
    E  audit (frontend)                                    |---|            100..110, after R ends
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Spec(NamedTuple):
    key: str
    parent: str | None
    service: str
    name: str
    start_ms: int
    end_ms: int
    error: bool = False
    attributes: dict[str, Any] = {}


TRACE = [
    Spec("R", None, "frontend", "GET /checkout", 0, 100),
    Spec("D", "R", "backend", "warmup", -5, 5),
    Spec("A", "R", "frontend", "auth", 10, 40),
    Spec("B", "R", "backend", "orders", 30, 70),
    Spec("B1", "B", "backend", "SELECT orders", 35, 50, error=True),
    Spec("B2", "B", "backend", "chat", 45, 60, attributes={
        "gen_ai.system": "openai", "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.output_tokens": 20, "gen_ai.usage.cost": 0.5}),
    Spec("C", "R", "frontend", "notify", 80, 130),
    Spec("C1", "C", "worker", "send email", 90, 125, attributes={
        "gen_ai.system": "openai", "gen_ai.usage.input_tokens": 7,
        "gen_ai.usage.output_tokens": 3, "gen_ai.usage.total_tokens": 12,
        "gen_ai.usage.cost": 0.25}),
    Spec("E", "R", "frontend", "audit", 100, 110),
]

# the trace it is compared with: auth slower, the LLM call and the notification gone, a
# cache lookup new, and two SELECTs under orders
OTHER = [
    Spec("R", None, "frontend", "GET /checkout", 0, 120),
    Spec("A", "R", "frontend", "auth", 10, 50),
    Spec("B", "R", "backend", "orders", 50, 110),
    Spec("B1", "B", "backend", "SELECT orders", 55, 65),
    Spec("B3", "B", "backend", "SELECT orders", 70, 90),
    Spec("K", "R", "frontend", "cache get", 112, 115),
]

CRITICAL_PATH = [("D", 0, 5), ("R", 5, 30), ("B", 30, 45), ("B2", 45, 60), ("B", 60, 70),
                 ("R", 70, 80), ("C", 80, 90), ("C1", 90, 100)]
SELF_TIME_MS = {"R": 15, "D": 10, "A": 30, "B": 15, "B1": 15, "B2": 15, "C": 15, "C1": 35,
                "E": 10}
