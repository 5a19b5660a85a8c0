"""values.yaml documents every value, and docs/deploy.md carries the same table."""

from __future__ import annotations

from tests.helm import values_doc


def test_every_value_has_a_description():
    assert values_doc.undocumented() == []


def test_deploy_doc_table_matches_values_yaml():
    document = values_doc.DEPLOY_DOC.read_text()
    assert values_doc.START in document and values_doc.END in document
    assert values_doc.document_with_table(document) == document, (
        "docs/deploy.md is out of date: run `python -m tests.helm.values_doc --write`"
    )


def test_comment_parsing_follows_nesting_and_skips_undocumented_keys():
    text = """
# -- top
a: 1
b:
  # -- nested, continued
  #   on a second line
  c: {x: 1}
  d: 2
# an ordinary comment
e: [1]
"""
    assert values_doc.documented_keys(text) == {
        "a": "top",
        "b.c": "nested, continued on a second line",
    }
