"""DirectExecutor gives the same results and errors as Strawberry's own executor."""

from __future__ import annotations

import enum
import gc
import threading
import time

import httpx
import pytest
import strawberry
import uvicorn
from strawberry.extensions import ParserCache, ValidationCache

from gateway import app as gateway_app
from gateway import execution, plans, scalars, schema
from ollygraph import settings
from tests.conftest import free_port


@strawberry.enum
class Color(enum.Enum):
    RED = 1
    BLUE = 2


@strawberry.input
class Pick:
    key: str


@strawberry.type
class Inner:
    code: int

    @strawberry.field
    def strict(self) -> str:
        if self.code == 1:
            raise ValueError("strict inner")
        return "ok"

    @strawberry.field
    def where(self, info: strawberry.Info) -> str:
        return str(info.path.as_list())

    @strawberry.field
    async def slow(self) -> int:
        if self.code == 2:
            raise ValueError("slow inner")
        return self.code


@strawberry.type
class Thing:
    n: int
    label: str | None
    raw: strawberry.Private[dict]

    @strawberry.field
    def double(self) -> int:
        return self.n * 2

    @strawberry.field
    def color(self) -> Color:
        return Color.RED if self.n % 2 else Color.BLUE

    @strawberry.field
    def keys(self, keys: list[str] | None = None, prefix: str = "") -> scalars.JSON:
        return {prefix + k: v for k, v in self.raw.items() if keys is None or k in keys}

    @strawberry.field
    def picked(self, pick: Pick) -> str | None:
        return self.raw.get(pick.key)

    @strawberry.field
    def tinted(self, color: Color, picks: list[Pick] | None = None) -> str:
        return f"{color.name} {self.n} {[p.key for p in picks or []]}"

    @strawberry.field
    def where(self, info: strawberry.Info) -> str:
        return str(info.path.as_list())

    @strawberry.field
    def big(self) -> scalars.BigInt:
        return self.n * 10**12

    @strawberry.field
    def broken(self) -> int | None:
        raise ValueError("broken resolver")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]

    @strawberry.field
    async def later(self) -> int:
        return self.n + 1

    @strawberry.field
    def path_name(self, info: strawberry.Info) -> str:
        return info.field_name

    @strawberry.field
    def info_broken(self, info: strawberry.Info) -> str:
        raise ValueError(f"broken at {info.path.key}")

    @strawberry.field
    def selected(self, info: strawberry.Info) -> list[str]:
        return [f.name for f in info.selected_fields]

    @strawberry.field
    def inner(self) -> Inner:
        return Inner(code=self.n)

    @strawberry.field
    def inners(self) -> list[Inner]:
        return [Inner(code=i) for i in range(3)]

    @strawberry.field
    def maybe_inners(self) -> list[Inner | None] | None:
        return [Inner(code=0), None, Inner(code=1), Inner(code=2)]

    @strawberry.field
    def no_inner(self) -> Inner:
        return None  # type: ignore[return-value]

    @strawberry.field
    def no_inners(self) -> list[Inner]:
        return [Inner(code=0), None]  # type: ignore[list-item]

    @strawberry.field
    async def later_inners(self) -> list[Inner]:
        return [Inner(code=i) for i in range(3)]

    @strawberry.field
    async def later_none(self) -> list[Inner]:
        return None  # type: ignore[return-value]

    @strawberry.field
    async def later_broken(self) -> Inner | None:
        raise ValueError("later broken")

    @strawberry.field
    def bad_int(self) -> int | None:
        return "not a number"  # type: ignore[return-value]

    @strawberry.field
    def info_last(self, prefix: str, info: strawberry.Info) -> str:
        return f"{prefix}{info.path.as_list()}"

    @strawberry.field
    def info_first(self, info: strawberry.Info, tag: str = "t") -> str:
        return f"{tag}{info.path.key}{self.n}"

    @strawberry.field
    def info_only(self, *, info: strawberry.Info) -> int:
        return len(info.field_name) + self.n


@strawberry.type
class Query:
    @strawberry.field
    async def things(self) -> list[Thing]:
        return [Thing(n=i, label=None if i else "zero", raw={"a": i, "b": "x"})
                for i in range(3)]

    @strawberry.field
    def strict(self) -> list[Thing]:
        return [Thing(n=1, label=None, raw={})]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self, n: int) -> Thing:
        return Thing(n=n, label="touched", raw={"a": n})


DIRECT = strawberry.Schema(Query, Mutation, execution_context_class=execution.DirectExecutor)
PLAIN = strawberry.Schema(Query, Mutation)

QUERIES = [
    ("{ things { n label double color big later pathName inner { code } } }", None),
    ("{ things { a: n b: n keys keys2: keys(keys: [\"a\"], prefix: \"p.\") } }", None),
    ("query ($k: [String!]) { things { keys(keys: $k) } }", {"k": ["b"]}),
    ("query ($k: [String!]) { things { keys(keys: $k) } }", {}),
    ("{ things { picked(pick: {key: \"b\"}) } }", None),
    ("query ($p: Pick!) { things { picked(pick: $p) } }", {"p": {"key": "a"}}),
    ("{ things { tinted(color: BLUE, picks: [{key: \"k\"}]) } }", None),
    ("query ($c: Color!) { things { tinted(color: $c) } }", {"c": "RED"}),
    ("{ things { tinted(color: GREEN) } }", None),
    ("{ things { where inner { where } inners { where } maybeInners { where } "
     "laterInners { where } } }", None),
    ("{ things { ...F ... on Thing { n } } } fragment F on Thing { label color }", None),
    ("{ things { n broken badInt } }", None),
    ("{ things { n x: infoBroken } }", None),
    ("{ things { n selected } }", None),
    ("{ things { n inners { code } maybeInners { code } laterInners { code } } }", None),
    ("{ things { n inners { code strict } } }", None),
    ("{ things { n maybeInners { code strict } } }", None),
    ("{ things { n maybeInners { code slow } } }", None),
    ("{ things { n inners { code slow } } }", None),
    ("{ things { n noInner { code } } }", None),
    ("{ things { n noInners { code } } }", None),
    ("{ things { n inner { code strict } } }", None),
    ("{ things { n inner { slow } } }", None),
    ("{ things { n laterInners { code strict slow } } }", None),
    ("{ things { n laterNone { code } } }", None),
    ("{ things { n laterBroken { code } } }", None),
    ("{ __typename things { __typename n inner { __typename code } } }", None),
    ("{ __schema { types { name fields { name args { name } } } } }", None),
    ("{ things { n missing } }", None),
    ("{ strict { n missing } }", None),
    ("query ($s: Boolean!) { things { n label @skip(if: $s) } }", {"s": True}),
    ("{ things { infoLast(prefix: \"p\") infoFirst infoFirst2: infoFirst(tag: \"x\") "
     "infoOnly } }", None),
    ("{ things { inners { code } } strict { n infoLast(prefix: \"s\") infoFirst infoOnly "
     "later } }", None),
    ("mutation { a: touch(n: 2) { n label inners { code where } infoLast(prefix: \"m\") } "
     "b: touch(n: 3) { missing } }", None),
]


@pytest.mark.parametrize(("query", "variables"), QUERIES)
async def test_same_result_as_strawberry(query: str, variables: dict | None) -> None:
    direct = await DIRECT.execute(query, variable_values=variables)
    plain = await PLAIN.execute(query, variable_values=variables)
    assert direct.data == plain.data
    assert [(e.message, e.path) for e in direct.errors or []] == [
        (e.message, e.path) for e in plain.errors or []]


def test_plain_resolvers_are_called_directly() -> None:
    fields = DIRECT._schema.type_map["Thing"].fields
    direct = {name for name, field in fields.items() if plans._static_plan(field)}
    assert direct == {"n", "label", "double", "color", "keys", "picked", "tinted", "where",
                      "big", "broken", "missing",
                      "later", "pathName", "inner", "badInt", "infoBroken",
                      "selected", "inners", "maybeInners", "noInner", "noInners",
                      "laterInners", "laterNone", "laterBroken", "infoLast", "infoFirst",
                      "infoOnly"}


async def test_lists_of_objects_are_completed_column_by_column(monkeypatch) -> None:
    """The list and the objects below it take the column path; an error in one item
    sends that list back to the per-item path (the parametrized cases check results)."""
    batches: list[tuple[str, int, bool]] = []
    columns = execution.DirectExecutor._columns

    def counted(self, object_type, field_details_list, items, paths):
        done = columns(self, object_type, field_details_list, items, paths)
        batches.append((object_type.name, len(items), done is not None))
        return done

    monkeypatch.setattr(execution.DirectExecutor, "_columns", counted)
    result = await DIRECT.execute("{ things { n color where inner { code where } "
                                  "inners { code } } }")
    assert result.errors is None
    assert ("Thing", 3, True) in batches
    assert ("Inner", 3, True) in batches  # one `inner` of each thing, in one batch
    assert ("Inner", 9, True) in batches  # the 3 `inners` of each thing, in one batch
    assert len(batches) == 3
    assert result.data["things"][2]["inner"]["where"] == "['things', 2, 'inner', 'where']"

    batches.clear()
    result = await DIRECT.execute("{ things { n inners { code strict } } }")
    assert [e.path for e in result.errors] == [["things", 0, "inners", 1, "strict"]]
    assert ("Thing", 3, False) in batches


@pytest.mark.parametrize("name", settings.GATEWAY_EXECUTORS)
def test_the_setting_selects_the_executor(monkeypatch, database_url, module_schema,
                                          name) -> None:
    """OLLYGRAPH_GATEWAY_EXECUTOR=strawberry serves with Strawberry's own executor: the
    direct executor's execute_fields (every selection it executes) is never entered."""
    assert set(schema.EXECUTORS) == set(settings.GATEWAY_EXECUTORS)
    entered: list[str] = []
    execute_fields = execution.DirectExecutor.execute_fields

    def counted(self, parent_type, *args):
        entered.append(parent_type.name)
        return execute_fields(self, parent_type, *args)

    monkeypatch.setattr(execution.DirectExecutor, "execute_fields", counted)
    cfg = settings.load({"OLLYGRAPH_GATEWAY_EXECUTOR": name})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        gateway_app.create_app(database_url, module_schema, executor=cfg.gateway_executor),
        host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={
            "query": "{ traces(first: 1) { totalCount nodes { traceId spans { name } } } "
                     "services { name } }"})
    finally:
        server.should_exit = True
        thread.join()
    assert response.json()["data"] == {"traces": {"totalCount": 0, "nodes": []},
                                       "services": []}
    assert entered == (["Query", "TraceConnection"] if name == "direct" else [])


async def test_a_request_leaves_no_garbage_for_the_collector() -> None:
    """Once its response is built, a request's executor and everything it held (the
    context, the resolved objects) are freed by reference counting: graphql-core's
    executor refers to itself, and the direct executor breaks that cycle."""
    served = strawberry.Schema(Query, execution_context_class=execution.DirectExecutor,
                               extensions=[ParserCache, ValidationCache])  # as the gateway's
    query = "{ things { n color where inner { code } laterInners { code where } later } }"
    await served.execute(query)
    gc.collect()
    gc.disable()
    try:
        result = await served.execute(query)
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert result.errors is None
    assert unreachable == 0
