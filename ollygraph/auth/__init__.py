"""Who is calling: API keys (ingest and gateway) and OIDC tokens (gateway).

`identity.Identity(tenant, role, subject)` is what every check yields; `keys` makes,
lists, revokes and checks API keys (stored as SHA-256 hashes, or listed in a file);
`oidc` verifies bearer JWTs; `authenticator.Authenticator` tries them in turn with a short
cache. See docs/security.md.
"""
