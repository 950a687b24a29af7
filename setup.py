"""Packaging for source-twilio: the `source-twilio` console script runs the Airbyte protocol.

The distribution is named as metadata.yaml publishes it (`remoteRegistries.pypi.packageName`: airbyte-source-twilio,
Airbyte's convention for connectors on PyPI; PyAirbyte installs that package and runs its `source-twilio` command).
"""

from setuptools import find_packages, setup

VERSION = "2.5.2"

setup(
    name="airbyte-source-twilio",
    version=VERSION,
    description="Airbyte source connector for Twilio: every subaccount, incremental, fast.",
    author="source-twilio developers",
    license="MIT",
    packages=find_packages(include=["source_twilio", "source_twilio.*"]),
    package_data={"source_twilio": ["manifest.yaml", "page_sizes.json", "schemas/*.json"]},
    python_requires=">=3.10",
    # The CDK is pinned exactly: the connector uses 8 of its private names (source_twilio/cdk_seam.py), checked
    # against this version. requirements.lock pins the whole set; unit_tests/test_dependencies.py keeps them equal.
    install_requires=[
        "airbyte-cdk==7.39.1",
        "orjson>=3.9",
    ],
    entry_points={"console_scripts": ["source-twilio=source_twilio.run:run"]},
)
