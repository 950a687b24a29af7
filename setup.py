"""Packaging for source-twilio: the `source-twilio` console script runs the Airbyte protocol."""

from setuptools import find_packages, setup

VERSION = "0.2.0"

setup(
    name="source-twilio",
    version=VERSION,
    description="Airbyte source connector for Twilio: every subaccount, incremental, fast.",
    author="source-twilio developers",
    license="MIT",
    packages=find_packages(include=["source_twilio", "source_twilio.*"]),
    package_data={"source_twilio": ["manifest.yaml", "schemas/*.json"]},
    python_requires=">=3.10",
    install_requires=[
        "airbyte-cdk>=7.39,<8",
        "orjson>=3.9",
    ],
    extras_require={
        "tests": [
            "pytest>=8",
            "requests-mock>=1.11",
            "freezegun>=1.4",
        ],
        "demo": [
            "airbyte>=0.30,<1",
        ],
    },
    entry_points={"console_scripts": ["source-twilio=source_twilio.run:run"]},
)
