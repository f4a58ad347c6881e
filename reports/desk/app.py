"""The review desk: one answer of the review queue at a time, with its source page beside it.

It writes nothing but overrides, checks and review marks, each of an answer of its own campaign,
each value checked as `foi override` checks it. Every value from a reply is escaped (autoescape
on; reply text is never marked safe). Page images are drawn by the reader's worker processes,
never here. Every request is checked first (reports.desk.guard): its Host, the Origin of a
write, the token off loopback, the size of a body; forms carry a per-process CSRF token."""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode

import duckdb
import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

import reports.desk.queue as q
from extract.reading.isolation import draw_page_isolated
from foi.corrections import ANSWER_STATUSES, CorrectionError
from reports.desk.guard import DeskAddress, DeskGuard, desk_address
from reports.desk.pages import Drawer, PageImages
from reports.desk.passage import marked, matched_words, question_head
from reports.desk.sheets import as_table
from warehouse.answers import check_answer, clear_skipped, mark_skipped
from warehouse.data_returns import set_sheet_question
from warehouse.db import WarehouseError

REASON = "corrected in the review desk"
AUTHOR_COOKIE = "foi_desk_author"
Opener = Callable[[bool], AbstractContextManager[duckdb.DuckDBPyConnection]]
Corrector = Callable[..., Any]   # flows.steps.review.correct_answer, as `foi override` uses

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["url"] = lambda value: quote(str(value), safe="")
_HERE = Path(__file__).parent
_CSP = ("default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_PAGES_SHOWN = 40   # pages of one document in "the whole reply" before a link to the rest
_DRAW_WAIT_S = 3.0   # an answer's page waits this long for its image, then shows it loading
_PASSAGE_CHARS = 600   # of the passage sent to be outlined on a page image
_MAX_FIELDS = 20
_REPLY_PAGE_CHARS = 100_000   # of a page's text, or a message's, in "the whole reply"
_REPLY_CHARS = 2_000_000      # of all its pages


@dataclass
class DeskConfig:
    """What one desk serves and who records its decisions."""

    campaign: str
    open_db: Opener            # open_db(read_only) -> a connection, closed after
    correct: Corrector
    store: Path                # the workspace's store of raw documents
    author: str = ""           # empty: each browser is asked for a name once
    token: str | None = None   # required on every request when set (--host off loopback)
    address: DeskAddress = field(default_factory=lambda: desk_address("127.0.0.1", 8765))
    draw_page: Drawer = draw_page_isolated   # with the workspace's [extract] caps
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)   # per question key
    order: q.Order = "confidence"
    map_label: Corrector | None = None   # flows.steps.tables.map_table_label, as `foi tables map`
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))


def clean_author(name: str) -> str:
    """A reviewer's name as given in the browser: printable, trimmed, at most 80 characters."""
    return "".join(c for c in name if c.isprintable()).strip()[:80]


def create_app(config: DeskConfig) -> ASGIApp:
    """The desk as an ASGI app."""
    lock = threading.Lock()   # one warehouse connection at a time
    pages = PageImages(config.draw_page)

    def read(fn: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        with lock, config.open_db(True) as con:
            return fn(con)

    def author_of(request: Request) -> str:
        return config.author or clean_author(unquote(request.cookies.get(AUTHOR_COOKIE, "")))

    def order_of(request: Request | dict[str, str]) -> q.Order:
        given = (request.query_params.get("order") if isinstance(request, Request)
                 else request.get("order"))
        return given if given in q.ORDERS else config.order   # type: ignore[return-value]

    tables = read(lambda con: q.has_tables(con, config.campaign))

    def render(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = _ENV.get_template(name).render(campaign=config.campaign, csrf=config.csrf,
                                              tables=tables, **values)
        return _secure(HTMLResponse(html, status))

    def stored_pdf(found: dict[str, Any]) -> Path | None:
        """Where a PDF of this campaign's replies is stored (None: not a PDF, or not there)."""
        if not q.is_pdf(found) or not found.get("store_path"):
            return None
        path = (config.store / found["store_path"]).resolve()
        return path if path.is_relative_to(config.store.resolve()) else None

    def gather_answer(request: Request) -> dict[str, Any]:
        order = order_of(request)

        def gather(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            waiting = q.queue(con, config.campaign, order)
            answer = next((a for a in waiting if not a["skipped"]), None)
            found: dict[str, Any] = {"answer": answer, "progress": q.progress(con, config.campaign),
                                     "order": order}
            if answer is None:
                return found
            documents = q.reply_documents(con, config.campaign, answer["reference"]).get(
                answer["reference"], [])
            source_id = request.query_params.get("source") or answer["document_id"]
            source = next((d for d in documents if d["document_id"] == source_id), None)
            number = _page_number(request.query_params.get("page")) or answer["page"] or 1
            if source is not None:
                number = min(max(number, 1), max(source["pages"] or 1, 1))
            pdf = stored_pdf(source) if source is not None else None
            text = None if source is None else q.page_text(con, source["document_id"], number)
            here = source is not None and source["document_id"] == answer["document_id"] and (
                number == answer["page"])
            found.update(documents=documents, source=source, number=number, pdf=pdf,
                         source_text=text, sheet=as_table(text) if text and not pdf else None,
                         passage=(answer["passage"] or "")[:_PASSAGE_CHARS] if here else "",
                         sheets=q.page_names(con, source["document_id"]) if source else {},
                         upcoming=[a for a in waiting if not a["skipped"]][1:4])
            after = found["upcoming"][0] if found["upcoming"] else None
            found["ahead"] = after if after and after["document_id"] and after["page"] and (
                q.is_pdf(after)) else None
            return found

        return read(gather)

    def answer_html(request: Request, found: dict[str, Any], error: str | None = None,
                    status: int = 200) -> HTMLResponse:
        answer = found["answer"]
        runs: list[tuple[str, bool]] = []
        if answer:
            answer["head"] = question_head(answer["question"])
            words = matched_words(answer["head"], config.keywords.get(answer["question_key"], ()),
                                  answer["value"])
            runs = marked(answer["passage"] or "", words)
        drawn = pages.known(found["pdf"], found["number"], found["passage"]) if found.get(
            "pdf") else None
        found["refused"] = drawn.error if drawn and drawn.jpeg is None else None
        return render("desk.html.j2", status=status, error=error, orders=q.ORDERS,
                      statuses=[s for s in ANSWER_STATUSES if s != "answered"],
                      author=author_of(request), fixed_author=bool(config.author), runs=runs,
                      **found)

    def answer_page(request: Request, error: str | None = None, status: int = 200
                    ) -> HTMLResponse:
        if not author_of(request):
            return render("desk_name.html.j2", error=error, status=status)
        return answer_html(request, gather_answer(request), error, status)

    async def index(request: Request) -> Response:
        if not author_of(request):
            return render("desk_name.html.j2")
        found = await run_in_threadpool(gather_answer, request)
        if found.get("pdf"):   # a page that cannot be drawn shows its text instead
            await pages.get(found["pdf"], found["number"], found["passage"], wait=_DRAW_WAIT_S)
        return await run_in_threadpool(answer_html, request, found)

    async def summary(request: Request) -> Response:
        def gather(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            return {"questions": q.question_summary(con, config.campaign),
                    "requests": q.authority_summary(con, config.campaign),
                    "progress": q.progress(con, config.campaign)}

        found = await run_in_threadpool(read, gather)
        for row in found["questions"]:
            row["head"] = question_head(row["text"])
        return await run_in_threadpool(render, "desk_summary.html.j2",
                                       author=author_of(request), **found)

    async def whole_reply(request: Request) -> Response:
        reference = request.path_params["reference"]

        def gather(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            messages = q.reply_messages(con, config.campaign, reference, _REPLY_PAGE_CHARS)
            documents = q.reply_documents(con, config.campaign, reference).get(reference, [])
            left = _REPLY_CHARS   # a reply of fifty 2 M-character attachments is not one page
            for d in documents:
                d["pdf"] = stored_pdf(d)
                d["shown"] = []
                for n in range(1, min(d["pages"] or 0, _PAGES_SHOWN) + 1):
                    drawn = pages.known(d["pdf"], n) if d["pdf"] else None
                    refused = drawn.error if drawn and drawn.jpeg is None else None
                    text, note = None, None
                    if (refused or not d["pdf"]) and left <= 0:
                        note = "Not shown here, this reply's text is long: see the page alone."
                    elif refused or not d["pdf"]:
                        wanted = min(left, _REPLY_PAGE_CHARS)
                        text = q.page_text(con, d["document_id"], n, wanted)
                        left -= len(text or "")
                        if text and len(text) == wanted:
                            note = "Cut here: see the page alone for the rest."
                    d["shown"].append({"number": n, "text": text, "refused": refused,
                                       "note": note})
            return {"messages": messages, "documents": documents,
                    "progress": q.progress(con, config.campaign)}

        found = await run_in_threadpool(read, gather)
        if not found["messages"]:
            return PlainTextResponse("no reply with that reference in this campaign", 404)
        # megabytes of a reply's text are escaped off the event loop: the desk answers meanwhile
        return await run_in_threadpool(render, "desk_reply.html.j2", reference=reference,
                                       author=author_of(request),
                                       back=request.query_params.get("back") == "1", **found)

    async def page_image(request: Request) -> Response:
        document_id = request.path_params["document_id"]
        number = _page_number(request.path_params["n"])
        found = await run_in_threadpool(read, lambda con: q.document(con, config.campaign,
                                                                    document_id))
        path = stored_pdf(found) if found is not None else None
        if path is None or number is None:
            return PlainTextResponse("no such page of a PDF in this campaign", 404)
        passage = request.query_params.get("passage", "")[:_PASSAGE_CHARS]
        drawn = await pages.get(path, number, passage)
        if drawn is None or drawn.jpeg is None:
            why = drawn.error if drawn else "the page is still being drawn"
            return _secure(Response(_refusal_image(why or "the page could not be drawn"), 422,
                                    media_type="image/svg+xml"))
        return _secure(Response(drawn.jpeg, media_type="image/jpeg",
                                headers={"Cache-Control": "private, max-age=3600"}))

    async def form(request: Request, *, answer: bool = True) -> dict[str, str] | Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != (
                "application/x-www-form-urlencoded"):
            return PlainTextResponse("a form, please", 415)
        body = (await request.body()).decode("utf-8", errors="replace")
        try:
            fields = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True,
                                                    max_num_fields=_MAX_FIELDS).items()}
        except ValueError:
            return PlainTextResponse("too many fields", 400)
        if not hmac.compare_digest(fields.get("csrf", "").encode(), config.csrf.encode()):
            return PlainTextResponse("403: this form is stale or not from the desk", 403)
        if answer and (not fields.get("reference") or not fields.get("question_key")):
            return PlainTextResponse("which answer?", 400)
        if answer and not author_of(request):
            return PlainTextResponse("say who you are first", 400)
        return fields

    def back_to_queue(fields: dict[str, str]) -> Response:
        order = order_of(fields)
        return RedirectResponse("/" if order == config.order else f"/?order={order}", 303)

    def write(action: Callable[[duckdb.DuckDBPyConnection], object], request: Request,
              fields: dict[str, str], *, answer: bool = True) -> Response:
        try:
            with lock, config.open_db(False) as con:
                if answer and not q.is_answer_of(con, config.campaign, fields["reference"],
                                                 fields["question_key"]):
                    return PlainTextResponse(
                        f"no question {fields['question_key']!r} in request "
                        f"{fields['reference']!r} of {config.campaign}", 404)
                action(con)
        except (CorrectionError, WarehouseError) as exc:
            return answer_page(request, error=str(exc), status=400)
        return back_to_queue(fields)

    async def accept(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields
        value = fields.get("value", "") if fields.get("has_value") == "1" else None
        return await run_in_threadpool(write, lambda con: check_answer(
            con, reference=fields["reference"], question_key=fields["question_key"],
            status=fields.get("status", ""), value=value, note=None,
            author=author_of(request)), request, fields)

    async def correct(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields
        return await run_in_threadpool(write, lambda con: config.correct(
            con, reference=fields["reference"], question_key=fields["question_key"],
            status=fields.get("status") or "answered", value=fields.get("value") or None,
            sections=fields.get("sections") or None, reason=REASON,
            author=author_of(request)), request, fields)

    async def skip(request: Request) -> Response:
        fields = await form(request)
        if isinstance(fields, Response):
            return fields
        return await run_in_threadpool(write, lambda con: mark_skipped(
            con, reference=fields["reference"], question_key=fields["question_key"],
            author=author_of(request)), request, fields)

    async def unskip(request: Request) -> Response:
        fields = await form(request, answer=False)
        if isinstance(fields, Response):
            return fields
        return await run_in_threadpool(
            write, lambda con: clear_skipped(con, config.campaign), request, fields, answer=False)

    async def name(request: Request) -> Response:
        fields = await form(request, answer=False)
        if isinstance(fields, Response):
            return fields
        given = clean_author(fields.get("author", ""))
        if not given:
            return await run_in_threadpool(answer_page, request, "a name, please", 400)
        response = back_to_queue(fields)
        response.set_cookie(AUTHOR_COOKIE, quote(given), max_age=365 * 24 * 3600,
                            httponly=True, samesite="strict")
        return response

    def tables_page(request: Request, error: str | None = None, status: int = 200
                    ) -> HTMLResponse:
        found = read(lambda con: {"review": q.table_review(con, config.campaign),
                                  "progress": q.progress(con, config.campaign)})
        return render("desk_tables.html.j2", status=status, error=error,
                      author=author_of(request), **found)

    async def table_review(request: Request) -> Response:
        return await run_in_threadpool(tables_page, request)

    def table_write(action: Callable[[duckdb.DuckDBPyConnection], object], request: Request
                    ) -> Response:
        try:
            with lock, config.open_db(False) as con:
                action(con)
        except WarehouseError as exc:
            return tables_page(request, error=str(exc), status=400)
        return RedirectResponse("/tables", 303)

    async def map_label(request: Request) -> Response:
        fields = await form(request, answer=False)
        if isinstance(fields, Response):
            return fields
        if not author_of(request) or config.map_label is None:
            return PlainTextResponse("say who you are first", 400)
        if not fields.get("label") or not fields.get("question_key") or not fields.get("code"):
            return PlainTextResponse("which label, question and code?", 400)
        if not await run_in_threadpool(read, lambda con: q.is_label_of(
                con, config.campaign, fields["label"])):
            return PlainTextResponse(f"no table of {config.campaign} has the label "
                                     f"{fields['label']!r}", 404)
        code = None if fields["code"] == "-" else fields["code"]
        question = None if fields.get("every_question") == "1" else fields["question_key"]
        mapper = config.map_label
        return await run_in_threadpool(table_write, lambda con: mapper(
            con, config.campaign, question, fields["label"], code, author_of(request)), request)

    async def sheet_answers(request: Request) -> Response:
        fields = await form(request, answer=False)
        if isinstance(fields, Response):
            return fields
        if not author_of(request):
            return PlainTextResponse("say who you are first", 400)
        if not fields.get("grid") or not fields.get("question_key"):
            return PlainTextResponse("which file and question?", 400)
        if not await run_in_threadpool(read, lambda con: q.is_grid_of(
                con, config.campaign, fields["grid"])):
            return PlainTextResponse(f"no file or sheet {fields['grid']!r} of {config.campaign}"
                                     " waits for its question", 404)
        return await run_in_threadpool(table_write, lambda con: set_sheet_question(
            con, config.campaign, fields["grid"], fields["question_key"], author_of(request)),
            request)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        kinds = {"desk.js": "text/javascript", "desk.css": "text/css"}
        if name not in kinds:
            return PlainTextResponse("not found", 404)
        return _secure(Response((_HERE / name).read_text(encoding="utf-8"),
                                media_type=kinds[name]))

    app: ASGIApp = Starlette(routes=[
        Route("/", index),
        Route("/summary", summary),
        Route("/reply/{reference}", whole_reply),
        Route("/tables", table_review),
        Route("/tables/map", map_label, methods=["POST"]),
        Route("/tables/sheet", sheet_answers, methods=["POST"]),
        Route("/page/{document_id}/{n}.jpg", page_image),
        Route("/accept", accept, methods=["POST"]),
        Route("/correct", correct, methods=["POST"]),
        Route("/skip", skip, methods=["POST"]),
        Route("/unskip", unskip, methods=["POST"]),
        Route("/name", name, methods=["POST"]),
        Route("/static/{name}", static),
    ])
    return DeskGuard(app, config.address, config.token)


def page_url(document_id: str, number: int, passage: str | None = None) -> str:
    """The address of a PDF page's image, the passage outlined on it when given."""
    url = f"/page/{quote(document_id, safe='')}/{number}.jpg"
    return f"{url}?{urlencode({'passage': passage[:_PASSAGE_CHARS]})}" if passage else url


_ENV.globals["page_url"] = page_url


def _page_number(given: str | None) -> int | None:
    """A page number as a URL gives it (None: none, or not a page number)."""
    if given and given.isascii() and given.isdigit() and len(given) <= 6:
        return int(given) or None
    return None


def _refusal_image(why: str) -> bytes:
    """Why a page is not shown, as an image in the page's place."""
    lines = [why[i:i + 90] for i in range(0, min(len(why), 450), 90)]
    text = "".join(f'<text x="16" y="{60 + 22 * n}">{escape(line)}</text>'
                   for n, line in enumerate(lines))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="200" '
            'font-family="sans-serif" font-size="16"><rect width="900" height="200" '
            'fill="#f6f6f3" stroke="#ccc"/><text x="16" y="32" font-weight="bold">'
            f'This page is not shown:</text>{text}</svg>').encode()


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"   # a POST then says its Origin
    return response
