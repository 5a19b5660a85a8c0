"""A Python client of the ollygraph gateway for notebooks: lists as DataFrames.

    from ollygraph.client import Client
    client = Client("http://localhost:8000/graphql")
    spans = client.spans({"service": "web-shop"}, limit=500, flatten_attributes=True)

Needs httpx; DataFrames need pandas and Arrow tables pyarrow
(`pip install 'ollygraph[client]'` installs all three).
"""

from ollygraph.client.api import DEFAULT_URL, Client, GraphQLError

__all__ = ["DEFAULT_URL", "Client", "GraphQLError"]
