# source-twilio connector image.
#
# Default base: Airbyte's Python connector base image 4.0.2 (Python 3.11, Debian bookworm), pinned by digest. The
# same tag+digest is the `connectorBuildOptions.baseImage` of Airbyte's Python 3.11 connectors, e.g. the "Old" base in
# airbytehq/airbyte airbyte-integrations/connectors/source-salesforce/PYTHON_3.13_UPGRADE.md (commit 045b9ab0) and
# the source-facebook-marketing / source-google-drive upgrade notes; 4.1.x moves to Python 3.13. Keep it equal to
# metadata.yaml's connectorBuildOptions.baseImage (unit_tests/test_metadata.py checks this).
# Override for offline builds, e.g. the local base integration_tests/image_test.sh makes:
#   podman build --isolation chroot --build-arg BASE_IMAGE=localhost/source-twilio-base:bookworm -t airbyte/source-twilio:dev .
# Any base works that has `python` and `pip` on PATH (a Python >= 3.10) and pip can install into.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73
FROM ${BASE_IMAGE}

WORKDIR /airbyte/integration_code

# Dependencies first, in their own layer: exactly the pinned set the tests ran with (requirements.lock, airbyte-cdk
# included), rebuilt only when the lock changes, so a code change rebuilds in seconds.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# The connector itself (no dev/test/demo extras); --no-deps: nothing beyond the lock is resolved.
COPY setup.py main.py ./
COPY source_twilio ./source_twilio
RUN pip install --no-cache-dir --no-deps . \
 && rm -rf build *.egg-info \
 && python -c "import source_twilio.source"

ENV AIRBYTE_ENTRYPOINT="python /airbyte/integration_code/main.py"
ENTRYPOINT ["python", "/airbyte/integration_code/main.py"]

# Run as the base image's non-root `airbyte` user (uid 1000), as Airbyte's own connector images do. Numeric, so the
# image still starts on a base without that passwd entry.
USER 1000:1000

LABEL io.airbyte.name=airbyte/source-twilio
LABEL io.airbyte.version=2.5.2
