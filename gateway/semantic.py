"""Semantic convention types, detected from attribute key prefixes (seed 003): the one
definition that `Span.semanticTypes`, `Span.semanticType`, the typed views (`Span.http`,
`Span.db`, ...) and the `semanticType` filters share.

A span has every type one of whose prefixes starts one of its attribute keys
(`types`); its primary type (`detect`, `Span.semanticType`, grouping and ordering by
semanticType) is the first of them in `PREFIXES` order, as in the seed's
`SemanticConventionDetector`. A typed view is non-null exactly when the span has one of
the view's types (`VIEWS`), so `spans(filter: {semanticType: DB})` returns only spans
whose `db` view is non-null, and an LLM call over HTTP has both `genAi` and `http`.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway import enums

T = enums.SemanticType
PREFIXES: tuple[tuple[enums.SemanticType, tuple[str, ...]], ...] = (
    (T.AI_AGENT, ("gen_ai.", "llm.")),
    (T.HTTP, ("http.", "url.")),
    (T.DB, ("db.",)),
    (T.MESSAGING, ("messaging.",)),
    (T.RPC, ("rpc.",)),
    (T.FAAS, ("faas.",)),
    (T.AWS, ("aws.",)),
    (T.GCP, ("gcp.",)),
    (T.AZURE, ("az.",)),
)
_BY_TYPE = dict(PREFIXES)

# Span view field -> the semantic types that make it non-null.
VIEWS: dict[str, tuple[enums.SemanticType, ...]] = {
    "http": (T.HTTP,), "db": (T.DB,), "gen_ai": (T.AI_AGENT,), "messaging": (T.MESSAGING,),
    "rpc": (T.RPC,), "faas": (T.FAAS,), "cloud": (T.AWS, T.GCP, T.AZURE),
}


def types(keys: Iterable[str]) -> list[enums.SemanticType]:
    """Every semantic type of an attribute key set, primary first (`PREFIXES` order)."""
    keys = list(keys)
    return [semantic_type for semantic_type, prefixes in PREFIXES
            if any(key.startswith(prefixes) for key in keys)]


def detect(keys: Iterable[str]) -> enums.SemanticType | None:
    """The primary semantic type of an attribute key set, or None."""
    found = types(keys)
    return found[0] if found else None


def has_view(keys: Iterable[str], view: str) -> bool:
    """Whether view `view` (a key of `VIEWS`) is non-null for an attribute key set."""
    return any(t in VIEWS[view] for t in types(keys))


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
