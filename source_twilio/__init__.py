"""Airbyte source for Twilio."""

from .source import SourceTwilio

__all__ = ["SourceTwilio"]
