"""The API's one error shape, for every status it answers with besides 200:

    {"error": {"code": "not_found", "message": "No deliverable 12.", "details": []}}

`code` is stable (for programs), `message` is plain English (for people), `details` lists what was wrong with
each part of the request (`loc`: where, `message`: what) and is empty otherwise. Ninja's own 422 body
(`{"detail": [...]}`) is replaced by this shape, and every operation documents it for each status.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from ninja import Schema
from ninja.errors import HttpError, ValidationError

from aims.services import ConcurrentEditError
from core.errors import DomainError
from indicators.services import ConcurrentEditError as FigureEditError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_request",
    429: "rate_limited",
    500: "server_error",
}


class ErrorDetail(Schema):
    loc: list[str | int]
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail]


class Error(Schema):
    error: ErrorBody


ERROR_STATUSES = (400, 401, 403, 404, 422, 429, 500)
# What every operation may answer besides its success: documented on each so clients (and Schemathesis) know.
ERROR_RESPONSES = {status: Error for status in ERROR_STATUSES}
WRITE_ERROR_RESPONSES = {**ERROR_RESPONSES, 409: Error}


class ApiError(Exception):
    """Answer `status` with the error shape."""

    def __init__(self, status: int, message: str, *, code: str = "", details=None, headers=None):
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or CODES.get(status, "error")
        self.details = details or []
        self.headers = headers or {}


def error_response(status: int, message: str, *, code: str = "", details=None, headers=None) -> JsonResponse:
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message, "details": details or []}}
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_details(errors) -> list[dict]:
    details = []
    for item in errors:
        loc = [part for part in item.get("loc", ()) if isinstance(part, (str, int))]
        details.append({"loc": loc, "message": str(item.get("msg", "Invalid value"))})
    return details


def install(api) -> None:
    """Route every exception the API can meet to the one shape."""

    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return error_response(exc.status, exc.message, code=exc.code, details=exc.details, headers=exc.headers)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        details = _validation_details(exc.errors)
        return error_response(422, "The request has answers the API cannot use: see details.", details=details)

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(404, str(exc) or "Not found.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return error_response(403, str(exc) or "You do not have permission to do this.")

    @api.exception_handler(ConcurrentEditError)
    def _conflict(request, exc: ConcurrentEditError):
        details = [{"loc": ["body", "version"], "message": f"The update is now at version {exc.current.version}."}]
        return error_response(409, str(exc), code="edit_conflict", details=details)

    @api.exception_handler(FigureEditError)
    def _figure_conflict(request, exc: FigureEditError):
        details = [{"loc": ["body", "version"], "message": f"The figure is now at version {exc.current.version}."}]
        return error_response(409, str(exc), code="edit_conflict", details=details)

    @api.exception_handler(DomainError)
    def _rule_broken(request, exc: DomainError):
        return error_response(422, str(exc), code="rule_broken")

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.exception("API error on %s", request.path)
        return error_response(500, "Something went wrong on the portal. Try again later.")
