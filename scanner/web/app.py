"""`verzendcheck serve`: the drag-and-drop page and its REST API (CONTRACT §5) on FastAPI + uvicorn.

The web process only receives uploads and answers; parsing, scanning and redaction run in a
`scanner.pool.WorkerPool` (models loaded at start-up, in the lifespan handler), so one hanging
PDF is killed after the policy's `[web] request_seconds` and never stalls the event loop.
Uploads live in memory only (scanner.web.forms) and are dropped with the response. The log
holds method, path, status, counts and verdicts: never file names, addresses or found values.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import logging
import re
import sys
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from scanner import tasks
from scanner.policy import load_policy
from scanner.pool import PoolError, TaskTimeout, WorkerDied, WorkerPool
from scanner.web.forms import FormError, read_form

log = logging.getLogger("verzendcheck.web")

STATIC = Path(__file__).parent / "static"
# The page: our own script, style and fetches only; nothing inline, no frames, no other origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TRUE = {"1", "true", "ja", "on", "yes"}


@dataclass(frozen=True)
class WebSettings:
    """The policy's `[web]` section."""

    workers: int = 2
    request_seconds: float = 60.0
    max_upload_bytes: int = 25 * 1024 * 1024
    max_files: int = 10
    max_queue: int = 50

    @classmethod
    def from_policy(cls, section: dict[str, Any]) -> WebSettings:
        return cls(
            workers=max(1, int(section.get("workers", cls.workers))),
            request_seconds=float(section.get("request_seconds", cls.request_seconds)),
            max_upload_bytes=int(section.get("max_upload_bytes", cls.max_upload_bytes)),
            max_files=max(1, int(section.get("max_files", cls.max_files))),
            max_queue=max(1, int(section.get("max_queue", cls.max_queue))),
        )


class ApiError(Exception):
    """An answer `{"error": message}` with `status`; the message is Dutch and free of personal data."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers={"Cache-Control": "no-store"})


def _pool_error(exc: Exception, settings: WebSettings) -> ApiError:
    """A pool failure as an answer: the input's fault (422) or the server's (503)."""
    if isinstance(exc, TaskTimeout):
        return ApiError(422, f"De controle duurde langer dan {settings.request_seconds:g} seconden en is "
                             "afgebroken. Is het bestand erg groot? Stuur het dan in delen.")
    if isinstance(exc, WorkerDied):
        return ApiError(422, "Het bestand liet de controle vastlopen; het is mogelijk beschadigd.")
    return ApiError(503, "De controle is tijdelijk niet beschikbaar. Probeer het over een minuut opnieuw.")


def _inline_script_hashes(html: str) -> str:
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)


def _multipart_form(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """OpenAPI for an endpoint that reads its multipart form itself (scanner.web.forms)."""
    schema = {"type": "object", "required": ["file"], "properties": properties}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}, **extra}


SCAN_FORM = _multipart_form({
    "file": {"type": "array", "items": {"type": "string", "format": "binary"},
             "description": "one or more mails (.eml, .msg) or documents"},
    "sender": {"type": "string", "description": "sender address (replaces the header's)"},
    "to": {"type": "string", "description": "recipients, comma separated (added to the headers')"},
    "cc": {"type": "string", "description": "Cc, comma separated"},
    "bcc": {"type": "string", "description": "Bcc, comma separated"},
    "org": {"type": "string", "enum": ["IND", "DTV", "COA"], "description": "the sender's organisation"},
    "lang": {"type": "string", "enum": ["nl", "en"], "default": "nl"},
    "reveal": {"type": "boolean", "default": False,
               "description": "add the found values (`text`) and show them in `context`"},
})
REDACT_FORM = _multipart_form({
    "file": {"type": "string", "format": "binary", "description": "a PDF or DOCX, or a mail with one attached"},
    "attachment": {"type": "string", "description": "which attachment of a mail (as the scan names it)"},
    "beschikking": {"type": "boolean", "default": False, "description": "keep the first and the last two pages"},
    "keep_pages": {"type": "string", "description": "pages to keep, e.g. `1,11,12` or `1,-2,-1`"},
}, responses={"200": {"description": "the redacted file", "content": {t: {} for t in MEDIA_TYPES.values()}}})


def create_app(policy_path: str | Path | None = None, pool: WorkerPool | None = None) -> FastAPI:
    """The app. Without `pool` it starts its own at start-up (lifespan) and closes it at shutdown."""
    policy = load_policy(policy_path)
    settings = WebSettings.from_policy(policy.data.get("web", {}))
    policy_arg = None if policy_path is None else str(policy_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = pool is None
        workers = pool or WorkerPool(settings.workers, initargs=(policy_arg,), timeout=settings.request_seconds)
        if own:
            log.info("starting %d workers (loading the models)", settings.workers)
            await asyncio.to_thread(workers.start)
        app.state.pool = workers
        try:
            yield
        finally:
            if own:
                await asyncio.to_thread(workers.close)

    app = FastAPI(
        title="verzendcheck",
        summary="Controle op persoonsgegevens vóór verzending (IND, DT&V, COA)",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def headers_and_log(request: Request, call_next):
        began = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as exc:  # never a traceback or a 500 to the user
            log.error("%s %s: unexpected %s", request.method, request.url.path, type(exc).__name__)
            response = _error(503, "Er ging iets mis bij de controle. Probeer het opnieuw.")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if request.url.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        # Path without the query string: a query could hold an address.
        log.info("%s %s %d %.0f ms", request.method, request.url.path, response.status_code,
                 (time.perf_counter() - began) * 1000)
        return response

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.exception_handler(FormError)
    async def form_error(_: Request, exc: FormError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Deze pagina bestaat niet.", 405: "Deze methode is hier niet toegestaan."}
        return _error(exc.status_code, messages.get(exc.status_code, "Het verzoek kan niet worden verwerkt."))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, "Het verzoek is niet goed opgebouwd.")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s: unexpected %s", request.method, request.url.path, type(exc).__name__)
        return _error(503, "Er ging iets mis bij de controle. Probeer het opnieuw.")

    async def run(fn, *args, **kwargs):
        if app.state.pool.pending() >= settings.max_queue:
            raise ApiError(503, "Het is nu erg druk. Probeer het over een minuut opnieuw.")
        try:
            return await app.state.pool.run(fn, *args, timeout=settings.request_seconds, **kwargs)
        except tasks.UploadRejected as exc:
            raise ApiError(exc.status, str(exc)) from None
        except PoolError as exc:
            raise _pool_error(exc, settings) from None

    async def uploads(request: Request, max_files: int) -> Any:
        form = await read_form(request, max_file_bytes=settings.max_upload_bytes, max_files=max_files)
        if not form.files:
            raise ApiError(400, "Er is geen bestand meegestuurd (veld 'file').")
        for number, upload in enumerate(form.files, start=1):
            if not upload.data.strip():
                raise ApiError(400, "Het bestand is leeg." if len(form.files) == 1 else f"Bestand {number} is leeg.")
        return form

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/healthz", summary="Is the service up?")
    async def healthz(request: Request) -> JSONResponse:
        workers = getattr(request.app.state, "pool", None)
        health = workers.health() if workers else {"ready": 0}
        if not health.get("ready"):
            return JSONResponse({"status": "starting", **health}, status_code=503)
        return JSONResponse({"status": "ok", **health})

    @app.post("/api/scan", summary="Scan mails and documents (CONTRACT §2 results)", openapi_extra=SCAN_FORM)
    async def scan(request: Request) -> JSONResponse:
        form = await uploads(request, settings.max_files)
        lang = form.get("lang", "nl") if form.get("lang", "nl") in ("nl", "en") else "nl"
        org = form.get("org").upper() or None
        if org not in (None, "IND", "DTV", "COA"):
            raise ApiError(400, "Onbekende organisatie: kies IND, DTV of COA.")
        common = {
            "sender": form.get("sender") or None,
            "to": form.all("to"),
            "cc": form.all("cc"),
            "bcc": form.all("bcc"),
            "org": org,
            "lang": lang,
            "reveal": form.get("reveal").lower() in TRUE,
            "policy_path": policy_arg,
        }
        budget = tasks.budget_within(settings.request_seconds)
        jobs = [run(tasks.scan_bytes_in_context, u.data, u.name, budget=budget, **common) for u in form.files]
        outcomes = await asyncio.gather(*jobs, return_exceptions=True)
        for number, outcome in enumerate(outcomes, start=1):
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, ApiError):
                    raise outcome
                if len(outcomes) > 1:
                    outcome.message = f"Bestand {number}: {outcome.message}"
                raise outcome
        log.info("scan: %d file(s), verdicts %s", len(outcomes), ",".join(o["verdict"] for o in outcomes))
        return JSONResponse(outcomes)

    @app.post("/api/redact", summary="A redacted copy of a PDF/DOCX (or a mail's attachment)",
              openapi_extra=REDACT_FORM, response_class=Response)
    async def redact(request: Request) -> Response:
        form = await uploads(request, 1)
        upload = form.files[0]
        out = await run(tasks.redact_upload, upload.data, upload.name, attachment=form.get("attachment") or None,
                        beschikking=form.get("beschikking").lower() in TRUE, keep_pages=form.get("keep_pages") or None)
        report = out["report"]
        summary = {k: report.get(k) for k in ("pages_in_input", "pages_kept", "pages_in_output", "removed")}
        log.info("redact: %s pages %s -> %s", report.get("format"), report.get("pages_in_input"),
                 report.get("pages_in_output"))
        ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", out["name"])
        return Response(out["data"], media_type=MEDIA_TYPES[report["format"]], headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(out['name'])}",
            "X-Verzendcheck-Redaction": json.dumps(summary, separators=(",", ":")),
        })

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # FastAPI's page loads Swagger UI from a CDN; fastapi-offline ships the same files.
        html = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="verzendcheck - API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )
        body = html.body.decode()
        # Swagger UI starts from one inline script: allow exactly that script by its hash.
        csp = CSP.replace("script-src 'self'", f"script-src 'self' {_inline_script_hashes(body)}").replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'")
        return HTMLResponse(body, headers={"Content-Security-Policy": csp})

    from fastapi_offline.core import _STATIC_PATH

    app.mount("/docs-static", StaticFiles(directory=_STATIC_PATH), name="docs-static")
    return app


def main(args: argparse.Namespace) -> int:
    """Run the server until Ctrl-C (uvicorn; the access log is ours, without query strings)."""
    import uvicorn

    from scanner.policy import PolicyError

    logging.getLogger("verzendcheck").setLevel(logging.INFO)
    try:
        app = create_app(args.policy)
    except PolicyError as exc:
        print(f"verzendcheck: {exc}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("listening on %s: put a reverse proxy with login in front (README, 'Webpagina')", args.host)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info", server_header=False)
    return 0
