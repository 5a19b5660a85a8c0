"""The gateway's pages for people: GraphiQL prefilled from the URL, and the favicon."""

def test_graphiql_prefills_q_and_query_and_a_favicon_is_served(stack) -> None:
    html = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # a browser's navigation
    for name in ("q", "query"):
        page = stack.http.get("/graphql", params={name: "{ services { name } }"}, headers=html)
        assert page.status_code == 200 and "GraphiQL" in page.text, name
    assert "parameters.q || parameters.query" in page.text
    # a client that does not ask for HTML still runs the query
    answer = stack.http.get("/graphql", params={"query": "{ services { name } }"})
    assert "services" in answer.json()["data"]
    icon = stack.http.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\0\0\1\0"  # an ICO file
    assert 'rel="icon" href="/favicon.ico"' in page.text

