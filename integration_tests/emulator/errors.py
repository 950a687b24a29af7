"""Twilio's error document and the exception that carries it through the server."""
from __future__ import annotations


def error_body(status: int, code: int, message: str) -> dict:
    """Twilio's error document."""
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


class HttpError(Exception):
    def __init__(self, status: int, code: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
