"""Errors become HTTP statuses with a JSON body here, and nowhere else.

Every error the API returns has the shape OpenAI clients already read::

    {"error": {"type": "invalid_request", "message": "since must be a date like 2025-06-23, got 'soon'"}}

newsdesk's own errors map by class; FastAPI's validation errors become 400 (malformed
JSON) or 422 (well-formed JSON of the wrong shape) with the fields named; anything
unexpected is a 500 whose body says only that, the traceback going to the server log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import (
    AnswererError,
    ConfigError,
    IngestError,
    InvalidRequestError,
    NewsdeskError,
    NotFoundError,
    StoreBusy,
    StoreError,
)

logger = logging.getLogger(__name__)

# (status, type) by error class; the first match in this order wins.
STATUS_BY_ERROR: list[tuple[type[NewsdeskError], int, str]] = [
    (InvalidRequestError, 400, "invalid_request"),
    (ConfigError, 400, "invalid_request"),
    (NotFoundError, 404, "not_found"),
    (IngestError, 422, "ingest_failed"),
    (AnswererError, 502, "answerer_failed"),
    (StoreBusy, 503, "store_busy"),
    (StoreError, 503, "store_unavailable"),
]

RETRY_BUSY_AFTER = 10  # seconds, in the Retry-After of a store_busy answer

_TYPE_BY_STATUS = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def error_body(error_type: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"error": {"type": error_type, "message": message, **extra}}


def error_response(status: int, error_type: str, message: str, **extra: Any) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse(error_body(error_type, message, **extra), status_code=status)


def status_for(exc: NewsdeskError) -> tuple[int, str]:
    """The HTTP status and error type for one of newsdesk's errors."""
    for cls, status, error_type in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status, error_type
    return 500, "internal_error"


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field's dotted path, without its location ("body", "query"...): a field may be named so too."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def describe_validation(exc: RequestValidationError) -> tuple[int, str]:
    """(status, message) for a request FastAPI could not read or validate."""
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error") or "not valid JSON"
            return 400, f"the request body is not valid JSON: {reason}"
    problems = []
    for error in errors[:10]:
        where = _field(error.get("loc", ()))
        if error.get("type") == "missing":
            problems.append(f"{where}: required")
        elif error.get("type") == "extra_forbidden":
            problems.append(f"{where}: unknown field")
        elif error.get("type") == "value_error" and (error.get("ctx") or {}).get("error"):
            problems.append(f"{where}: {error['ctx']['error']}")  # our own validator's message, unprefixed
        else:
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return 422, "invalid request: " + "; ".join(problems)


def install_error_handlers(app: FastAPI) -> None:
    """Register the translations of every error into a JSON response."""

    @app.exception_handler(NewsdeskError)
    async def newsdesk_error(request: Request, exc: NewsdeskError) -> JSONResponse:
        """newsdesk's own errors, by class."""
        status, error_type = status_for(exc)
        if status >= 500:
            logger.warning("%s %s: %s", request.method, request.url.path, exc)
        response = error_response(status, error_type, str(exc))
        if isinstance(exc, StoreBusy):
            response.headers["Retry-After"] = str(RETRY_BUSY_AFTER)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        """A body that is not JSON (415), not valid JSON (400), or JSON of the wrong shape (422)."""
        content_type = request.headers.get("content-type", "")
        if request.method in ("POST", "PUT", "PATCH") and "json" not in content_type.lower():
            return error_response(
                415,
                "unsupported_media_type",
                f"the body must be JSON sent with 'Content-Type: application/json', got {content_type or 'no content type'!r}",
            )
        status, message = describe_validation(exc)
        return error_response(status, "invalid_request", message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        """Routing, auth and size errors, their message made specific."""
        message = str(exc.detail)
        if exc.status_code == 400 and message == "There was an error parsing the body":  # FastAPI's words
            message = (
                "the request body is not valid JSON: not UTF-8, nested too deeply, or a number of more than "
                "4,300 digits"
            )
        elif exc.status_code == 404 and message == "Not Found":
            message = f"no such route: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        response = error_response(exc.status_code, _TYPE_BY_STATUS.get(exc.status_code, "error"), message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        """A bug: logged with its traceback, answered without it."""
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; the server log has the details")


_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {
                    "type": "string",
                    "description": "invalid_request, unauthorized, not_found, method_not_allowed, too_large, "
                    "unsupported_media_type, ingest_failed, answerer_failed, store_unavailable, store_busy, internal_error",
                },
                "message": {"type": "string", "description": "What went wrong and how to put it right."},
            },
        }
    },
}
_ERRORS_BY_STATUS = {
    "400": "invalid_request: a value newsdesk cannot use (an empty question, a bad date), or a body that is not JSON",
    "401": "unauthorized: NEWSDESK_API_KEY is set and the request has no valid `Authorization: Bearer` key",
    "404": "not_found: no such article, route or model",
    "413": "too_large: the body is over NEWSDESK_MAX_BODY_BYTES (NEWSDESK_MAX_UPLOAD_BYTES for uploads)",
    "415": "unsupported_media_type: the body is not sent as application/json (or multipart for uploads)",
    "422": "invalid_request: JSON of the wrong shape (fields named); ingest_failed: nothing could be ingested",
    "500": "internal_error: a bug; the server log has the details",
    "502": "answerer_failed: the LLM endpoint failed",
    "503": "store_unavailable: the Chroma store cannot be reached; store_busy: an ingest or deletion waited "
    "NEWSDESK_WRITE_WAIT seconds for another writer (named in the message) and gave up (Retry-After says when "
    "to try again)",
}


def document_errors(app: FastAPI) -> None:
    """Describe the API's one error shape in its OpenAPI schema: every ``/v1`` operation lists the
    errors it can answer with, in that shape (not FastAPI's ``{"detail": [...]}``, never sent)."""
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = make_schema()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Error"] = _ERROR_SCHEMA
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                if not path.startswith("/v1"):
                    responses.pop("422", None)
                    continue
                codes = ["400", "401", "422", "500", "503"]
                if "{" in path or path.startswith("/v1/follow") or path.startswith("/v1/chat"):
                    codes.append("404")
                if method == "post":
                    codes += ["413", "415"]
                if path in ("/v1/ask", "/v1/chat/completions"):
                    codes.append("502")
                for code in sorted(codes):
                    responses[code] = {"description": _ERRORS_BY_STATUS[code], "content": body}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
