"""sqlparts: the one way gateway SQL is composed (binds, slots, blocks of conditions)."""

from __future__ import annotations

import pytest

from gateway import sqlparts

BLOCK = """
-- a comment line is no condition
t.a >= :lo                      -- when lo
t.b = :name AND t.c = :name     -- when name
EXISTS (SELECT 1
        FROM x WHERE x.t = t.id)
                                -- when has_x
t.d IS NULL                     -- when flag
"""


def test_conditions_of_the_fields_given_in_block_order() -> None:
    stmt = sqlparts.Statement()
    stmt.bind("before")
    got = stmt.conditions(BLOCK, name="n", lo=5, has_x=True, flag=False)
    assert got == ["t.a >= $2", "t.b = $3 AND t.c = $3",
                   "EXISTS (SELECT 1\n        FROM x WHERE x.t = t.id)"]
    assert stmt.params == ["before", 5, "n"]
    assert sqlparts.Statement().conditions(BLOCK) == []


def test_choose_one_alternative() -> None:
    assert sqlparts.choose(BLOCK, "flag") == "t.d IS NULL"
    assert sqlparts.choose(BLOCK, "missing", "lo") == "t.a >= :lo"
    with pytest.raises(KeyError):
        sqlparts.choose(BLOCK, "missing")
    with pytest.raises(ValueError, match="when"):
        sqlparts.choose("t.a = 1 -- when a\nt.b = 2", "a")


def test_render_binds_values_and_fills_slots_with_sql_only() -> None:
    stmt = sqlparts.Statement()
    sql = stmt.render("SELECT @cols@ FROM t WHERE t.a = :v AND t.b::text = :v LIMIT :n",
                      {"cols": "t.a, t.b"}, v="x'; DROP TABLE t", n=3)
    assert sql == "SELECT t.a, t.b FROM t WHERE t.a = $1 AND t.b::text = $1 LIMIT $2"
    assert stmt.params == ["x'; DROP TABLE t", 3]
    with pytest.raises(KeyError):
        stmt.render("SELECT :missing")
    with pytest.raises(KeyError):
        stmt.render("SELECT @missing@", {})


def test_fill_indents_a_filled_text_as_its_line() -> None:
    text = sqlparts.fill("SELECT *\nFROM (\n    @rows@\n) AS x WHERE @where@",
                         {"rows": "SELECT 1\nUNION ALL SELECT 2", "where": "true"})
    assert text == "SELECT *\nFROM (\n    SELECT 1\n    UNION ALL SELECT 2\n) AS x WHERE true"
    assert sqlparts.fill("@a@ @b@", {"a": "x"}, partial=True) == "x @b@"


def test_numbered_statement_by_parameter_names() -> None:
    assert sqlparts.numbered("SELECT :b, :a, :b FROM @t@", ["a", "b"], {"t": "x"}) == \
        "SELECT $2, $1, $2 FROM x"


def test_fragments_are_loaded_without_comment_lines(tmp_path) -> None:
    (tmp_path / "q.sql").write_text("-- name: q\n-- about q\nSELECT 1\n  -- inside\nFROM t\n"
                                    "-- name: block\nt.a = :a  -- when a\n    -- when b\n")
    queries = sqlparts.Queries(tmp_path)
    assert queries.q == "SELECT 1\nFROM t"
    assert queries.block == "t.a = :a  -- when a\n    -- when b"
