"""One table of the HTTP errors ``newsprism serve`` answers with: the API's machine-readable
code (``{"error": {"code", "message"}}``) and the title an error page shows."""

from __future__ import annotations

from fastapi.responses import JSONResponse

# status → (code in the API's error body, title of the error page)
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Not allowed"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("too_large", "Too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("invalid_request", "Invalid request"),
    429: ("too_many_requests", "Too many requests"),
    500: ("internal", "Server error"),
    503: ("unavailable", "Unavailable"),
}


def error_code(status: int) -> str:
    return HTTP_ERRORS.get(status, ("error", "Error"))[0]


def error_title(status: int) -> str:
    return HTTP_ERRORS.get(status, ("error", "Error"))[1]


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": error_code(status), "message": message}}, status_code=status, headers=headers
    )
