"""Reading the store back as OTLP: `read` rebuilds Export*ServiceRequest messages from
stored rows, `run` streams a time range in batches to `send`'s sinks (an OTLP receiver
or a file of OTLP/JSON lines), `command` is `ollygraph export`."""
