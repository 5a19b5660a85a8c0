"""Semantic convention types, detected from attribute key prefixes (seed 003).

The first type in `PREFIXES` order with a matching key wins, as in the seed's
`SemanticConventionDetector`.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway import enums

PREFIXES: tuple[tuple[enums.SemanticType, tuple[str, ...]], ...] = (
    (enums.SemanticType.AI_AGENT, ("gen_ai.", "llm.")),
    (enums.SemanticType.HTTP, ("http.", "url.")),
    (enums.SemanticType.DB, ("db.",)),
    (enums.SemanticType.MESSAGING, ("messaging.",)),
    (enums.SemanticType.RPC, ("rpc.",)),
    (enums.SemanticType.FAAS, ("faas.",)),
    (enums.SemanticType.AWS, ("aws.",)),
    (enums.SemanticType.GCP, ("gcp.",)),
    (enums.SemanticType.AZURE, ("az.",)),
)
_BY_TYPE = dict(PREFIXES)


def detect(keys: Iterable[str]) -> enums.SemanticType | None:
    """The semantic type of an attribute key set, or None."""
    keys = list(keys)
    for semantic_type, prefixes in PREFIXES:
        if any(key.startswith(prefixes) for key in keys):
            return semantic_type
    return None


def prefixes(semantic_type: enums.SemanticType) -> list[str]:
    return list(_BY_TYPE[semantic_type])


def priority_table() -> tuple[list[str], list[int]]:
    """(prefixes, priorities) for SQL that ranks keys like `detect` does."""
    out_prefixes, out_priorities = [], []
    for priority, (_, type_prefixes) in enumerate(PREFIXES):
        for prefix in type_prefixes:
            out_prefixes.append(prefix)
            out_priorities.append(priority)
    return out_prefixes, out_priorities


def from_priority(priority: int) -> enums.SemanticType:
    return PREFIXES[priority][0]
