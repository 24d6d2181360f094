# partychain: the CLI and the HTTP API in one image (docker-compose.yml runs it as `api` and `loader`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Charts label places in Chinese: a CJK font for matplotlib (Debian's fonts-noto-cjk).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user owns nothing but its home; the embedded graph (if used) lives there.
RUN groupadd --system --gid 10001 partychain \
 && useradd --system --uid 10001 --gid partychain --create-home --home-dir /home/partychain partychain

WORKDIR /opt/partychain
COPY pyproject.toml README.md ./
COPY src ./src
COPY graph_model ./graph_model
COPY loaders ./loaders
COPY api ./api
COPY cypher ./cypher
RUN pip install . && partychain --help > /dev/null \
 && mkdir /data && chown partychain:partychain /data && chmod 0700 /data
# /data: the personal-data store and audit log of a Neo4j deployment (a named volume starts as a copy of it)

USER partychain
WORKDIR /home/partychain
ENV PARTYCHAIN_DB=/home/partychain/graph

EXPOSE 8000
CMD ["partychain", "serve", "--host", "0.0.0.0", "--port", "8000"]
