"""The review desk: one answer of the review queue at a time, with its source page beside it.

It writes nothing but overrides and checks. Every value from a reply is escaped (autoescape
on; reply text is never marked safe). Forms carry a per-process CSRF token; off 127.0.0.1 every
request needs the access token too."""

from __future__ import annotations

import hmac
import io
import secrets
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import duckdb
import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from foi.corrections import ANSWER_STATUSES, CorrectionError
from warehouse.answers import check_answer
from warehouse.db import WarehouseError, rows

REASON = "corrected in the review desk"
TOKEN_COOKIE = "foi_desk_token"
Opener = Callable[[bool], AbstractContextManager[duckdb.DuckDBPyConnection]]
Corrector = Callable[..., Any]   # flows.steps.review.correct_answer, as `foi override` uses

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_HERE = Path(__file__).parent
_CSP = ("default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


@dataclass
class DeskConfig:
    """What one desk serves and who records its decisions."""

    campaign: str
    open_db: Opener            # open_db(read_only) -> a connection, closed after
    correct: Corrector
    store: Path                # the workspace's store of raw documents
    author: str
    token: str | None = None   # required on every request when set (--host off 127.0.0.1)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))


_QUEUE_SQL = """
    SELECT a.request_reference AS reference, a.authority_name AS authority, a.question_number,
           a.question_key, q.text AS question, q.type AS question_type, q.choices, a.status,
           a.value, a.sections, round(a.confidence, 2) AS confidence, a.reason, a.detail,
           a.document_id, a.document_filename AS document, a.page, a.snippet AS passage
    FROM v_answers a JOIN questions q ON q.campaign_id = a.campaign_id AND q.key = a.question_key
    WHERE a.campaign_id = ? AND a.needs_review
    ORDER BY a.confidence NULLS FIRST, a.request_reference, a.question_number"""

_DOCUMENT_SQL = """
    SELECT DISTINCT d.id, d.media_type, d.store_path, d.kind
    FROM documents d JOIN message_documents md ON md.document_id = d.id
    JOIN messages m ON m.id = md.message_id JOIN requests r ON r.reference = m.request_reference
    WHERE d.id = ? AND r.campaign_id = ?"""


class _TokenGate:
    """Off 127.0.0.1: every request carries the token (?token=, X-Desk-Token or the cookie set
    by the first), else 403."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = (request.query_params.get("token") or request.headers.get("x-desk-token")
                 or request.cookies.get(TOKEN_COOKIE) or "")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            await PlainTextResponse("403: this desk needs its token", 403)(scope, receive, send)
            return

        async def send_with_cookie(message: dict) -> None:
            if message["type"] == "http.response.start":
                cookie = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict")
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def create_app(config: DeskConfig) -> ASGIApp:
    """The desk as an ASGI app."""
    lock = threading.Lock()   # one warehouse connection at a time
    started: set[tuple[str, str]] = set()
    skipped: set[tuple[str, str]] = set()

    def queue() -> list[dict[str, Any]]:
        with lock, config.open_db(True) as con:
            data = rows(con, _QUEUE_SQL, [config.campaign])
        started.update((a["reference"], a["question_key"]) for a in data)
        return data

    def page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
        data = queue()
        waiting = {(a["reference"], a["question_key"]) for a in data}
        todo = [a for a in data if (a["reference"], a["question_key"]) not in skipped]
        answer = todo[0] if todo else None
        page_text = None
        if answer and answer["document_id"] and answer["page"] and not _is_pdf(answer):
            page_text = _page_text(answer["document_id"], answer["page"])
        html = _ENV.get_template("desk.html.j2").render(
            campaign=config.campaign, answer=answer, error=error, csrf=config.csrf,
            checked=len(started - waiting), total=len(started), skipped=len(waiting & skipped),
            page_text=page_text, statuses=[s for s in ANSWER_STATUSES if s != "answered"],
            author=config.author)
        return _secure(HTMLResponse(html, status))

    def _is_pdf(answer: dict[str, Any]) -> bool:
        document = _document(answer["document_id"])
        return document is not None and _pdf(document)

    def _document(document_id: str) -> dict[str, Any] | None:
        with lock, config.open_db(True) as con:
            found = rows(con, _DOCUMENT_SQL, [document_id, config.campaign])
        return found[0] if found else None

    def _page_text(document_id: str, number: int) -> str | None:
        with lock, config.open_db(True) as con:
            row = con.execute("SELECT text FROM document_pages WHERE document_id = ? AND page = ?",
                              [document_id, number]).fetchone()
        return None if row is None else row[0]

    async def index(request: Request) -> Response:
        return await run_in_threadpool(page, request)

    async def page_png(request: Request) -> Response:
        document_id, number = request.path_params["document_id"], request.path_params["n"]
        document = await run_in_threadpool(_document, document_id)
        if document is None or not _pdf(document):
            return PlainTextResponse("no such PDF in this campaign", 404)
        path = (config.store / document["store_path"]).resolve()
        if not path.is_relative_to(config.store.resolve()):
            return PlainTextResponse("no such PDF in this campaign", 404)
        png = await run_in_threadpool(render_page, path, number)
        if png is None:
            return PlainTextResponse("no such page", 404)
        return _secure(Response(png, media_type="image/png",
                                headers={"Cache-Control": "private, max-age=3600"}))

    async def form(request: Request) -> dict[str, str] | Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != (
                "application/x-www-form-urlencoded"):
            return PlainTextResponse("a form, please", 415)
        body = (await request.body()).decode("utf-8", errors="replace")
        fields = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if not hmac.compare_digest(fields.get("csrf", "").encode(), config.csrf.encode()):
            return PlainTextResponse("403: this form is stale or not from the desk", 403)
        if not fields.get("reference") or not fields.get("question_key"):
            return PlainTextResponse("which answer?", 400)
        return fields

    def write(action: Callable[[duckdb.DuckDBPyConnection], object], request: Request
              ) -> Response:
        try:
            with lock, config.open_db(False) as con:
                action(con)
        except (CorrectionError, WarehouseError) as exc:
            return page(request, error=str(exc), status=400)
        return RedirectResponse("/", 303)

    async def accept(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields
        value = fields["value"] if fields.get("has_value") == "1" else None
        return await run_in_threadpool(write, lambda con: check_answer(
            con, reference=fields["reference"], question_key=fields["question_key"],
            status=fields.get("status", ""), value=value, note=None, author=config.author),
            request)

    async def correct(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields

        def action(con: duckdb.DuckDBPyConnection) -> None:
            config.correct(con, reference=fields["reference"],
                           question_key=fields["question_key"],
                           status=fields.get("status") or "answered",
                           value=fields.get("value") or None,
                           sections=fields.get("sections") or None, reason=REASON,
                           author=config.author)
            skipped.discard((fields["reference"], fields["question_key"]))

        return await run_in_threadpool(write, action, request)

    async def skip(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields
        skipped.add((fields["reference"], fields["question_key"]))
        return RedirectResponse("/", 303)

    async def unskip(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields
        skipped.clear()
        return RedirectResponse("/", 303)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        kinds = {"desk.js": "text/javascript", "desk.css": "text/css"}
        if name not in kinds:
            return PlainTextResponse("not found", 404)
        return _secure(Response((_HERE / name).read_text(encoding="utf-8"),
                                media_type=kinds[name]))

    app: ASGIApp = Starlette(routes=[
        Route("/", index),
        Route("/page/{document_id}/{n:int}.png", page_png),
        Route("/accept", accept, methods=["POST"]),
        Route("/correct", correct, methods=["POST"]),
        Route("/skip", skip, methods=["POST"]),
        Route("/unskip", unskip, methods=["POST"]),
        Route("/static/{name}", static),
    ])
    if config.token:
        app = _TokenGate(app, config.token)
    return app


def _pdf(document: dict[str, Any]) -> bool:
    return document["media_type"] == "application/pdf" or document["kind"] == "pdf" or str(
        document["store_path"]).lower().endswith(".pdf")


def render_page(path: Path, number: int, width: int = 900) -> bytes | None:
    """Page `number` (1 is the first) of a PDF as PNG bytes, `width` pixels wide."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= number <= len(pdf):
            return None
        pdf_page = pdf[number - 1]
        bitmap = pdf_page.render(scale=width / pdf_page.get_width())
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG")
        return out.getvalue()
    finally:
        pdf.close()


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
