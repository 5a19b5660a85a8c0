# syntax=docker/dockerfile:1
# The ollygraph image: one command, `ollygraph`, whose argument picks the process:
#   docker run IMAGE ingest        OTLP gRPC :4317, OTLP HTTP :4318
#   docker run IMAGE gateway       GraphQL :8000 (the default)
#   docker run IMAGE migrate       apply the migrations (upgrade|downgrade|current|check)
#   docker run IMAGE retention --keep 7d
# Configuration comes from OLLYGRAPH_* variables (OLLYGRAPH_DATABASE_URL, ...).

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: install ollygraph and its dependencies into a virtualenv ----------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/ollygraph
WORKDIR /src
COPY . .
RUN /opt/ollygraph/bin/pip install --upgrade pip \
 && /opt/ollygraph/bin/pip install . \
 && /opt/ollygraph/bin/ollygraph --help >/dev/null

# --- runtime: the virtualenv on a clean base, running as an unprivileged user -------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="ollygraph" \
      org.opencontainers.image.description="OpenTelemetry in PostgreSQL, queried with GraphQL" \
      org.opencontainers.image.source="https://github.com/ollygraph/ollygraph" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 ollygraph \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/ollygraph --create-home \
      --shell /usr/sbin/nologin ollygraph
COPY --from=build /opt/ollygraph /opt/ollygraph
ENV PATH=/opt/ollygraph/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OLLYGRAPH_HOST=0.0.0.0
WORKDIR /home/ollygraph
USER 10001:10001
EXPOSE 4317 4318 8000
ENTRYPOINT ["ollygraph"]
CMD ["gateway"]
