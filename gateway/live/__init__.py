"""Live subscriptions: spans, traces and logs as ingest commits them (docs/live.md)."""
