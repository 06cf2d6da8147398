# syntax=docker/dockerfile:1
# One Dockerfile for both connectors; the build argument CONNECTOR picks which one the image runs:
#
#   docker build --build-arg CONNECTOR=source-linkedin-learning -t airbyte/source-linkedin-learning:0.2.0 .
#   docker build --build-arg CONNECTOR=source-learnworlds -t airbyte/source-learnworlds:0.2.0 .
#
# The image follows Airbyte's Python connector images: the connector's console script is the
# entrypoint (`spec|check|discover|read ...`), named in AIRBYTE_ENTRYPOINT, run as user `airbyte`.
# Keep BASE_IMAGE pinned by digest, and equal to connectorBuildOptions.baseImage in metadata.yaml.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73

FROM ${BASE_IMAGE} AS builder
WORKDIR /build
COPY pyproject.toml README.md ./
COPY shared/learning_connector_kit ./shared/learning_connector_kit
COPY schemas ./schemas
COPY source-linkedin-learning/source_linkedin_learning ./source-linkedin-learning/source_linkedin_learning
COPY source-learnworlds/source_learnworlds ./source-learnworlds/source_learnworlds
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM ${BASE_IMAGE}
ARG CONNECTOR
ARG VERSION=0.2.0
RUN case "${CONNECTOR}" in \
      source-linkedin-learning|source-learnworlds) ;; \
      *) echo "Set --build-arg CONNECTOR=source-linkedin-learning or CONNECTOR=source-learnworlds (got '${CONNECTOR}')." >&2; exit 1 ;; \
    esac
WORKDIR /airbyte/integration_code
COPY --from=builder /wheels /tmp/wheels
# The dependencies at the versions the tests ran with; the wheel then adds none of its own.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock \
    && pip install --no-cache-dir --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels /tmp/requirements.lock \
    && printf '#!/bin/sh\nexec %s "$@"\n' "${CONNECTOR}" > /airbyte/entrypoint.sh \
    && chmod 755 /airbyte/entrypoint.sh \
    && "${CONNECTOR}" spec > /dev/null

ENV AIRBYTE_ENTRYPOINT="/airbyte/entrypoint.sh"
ENTRYPOINT ["/airbyte/entrypoint.sh"]
LABEL io.airbyte.name="airbyte/${CONNECTOR}" io.airbyte.version="${VERSION}"
USER airbyte
