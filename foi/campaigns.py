"""Campaign files: one round-robin's letter, numbered questions and recipients."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from foi.authorities import Authority

AnswerType = Literal["yes_no", "count", "number", "money", "date", "choice", "document", "text",
                     "table"]
Regime = Literal["foia", "eir", "foisa"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeriodDimension(_Strict):
    """The periods a table question asks for: months, quarters, calendar or financial years
    (a financial year written by the year it starts in, 2019 for 2019/20)."""

    by: Literal["month", "quarter", "year", "financial_year"] = "month"
    start: str = Field(alias="from", pattern=r"^\d{4}(-\d{2})?$")
    end: str | None = Field(default=None, alias="to", pattern=r"^\d{4}(-\d{2})?$")

    @model_validator(mode="after")
    def _ordered(self) -> PeriodDimension:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"periods run from {self.start} to {self.end}: 'to' is earlier")
        return self


class CategoryDimension(_Strict):
    """The categories a table question asks for: the codes of a code list (CSV code,label),
    the names of a hierarchy (CSV, a column a level, broadest first: each body matched at the
    level it reports), or free (kept as each body wrote them)."""

    code_list: str | None = Field(default=None, min_length=1)
    hierarchy: str | None = Field(default=None, min_length=1)
    levels: tuple[str, ...] = ()
    free: bool = False
    # CSV files (label,code) beside the campaign file: labels an earlier version of the list,
    # or a reporter's mappings in an earlier campaign (`foi tables mappings`), gave a code
    aliases: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> CategoryDimension:
        kinds = [k for k, on in (("code_list", self.code_list), ("hierarchy", self.hierarchy),
                                 ("free", self.free)) if on]
        if len(kinds) != 1:
            raise ValueError("categories need exactly one of code_list, hierarchy or free = true"
                             + (f" (this has {', '.join(kinds)})" if kinds else ""))
        if self.hierarchy and not self.levels:
            raise ValueError("a hierarchy needs its levels: the names of its columns, broadest "
                             "first")
        if self.levels and not self.hierarchy:
            raise ValueError("levels belong to a hierarchy")
        if self.aliases and not self.code_list:
            raise ValueError("aliases belong to a code list")
        return self

    @property
    def file(self) -> str | None:
        """The CSV file beside the campaign file, if the categories come from one."""
        return self.code_list or self.hierarchy


class Breakdown(_Strict):
    """A further dimension a table may be broken down by instead of the categories (outcome,
    hospital, ward): its labels are kept as each body wrote them; `keywords` are the words of
    a table's header or title that say it is this breakdown."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    keywords: tuple[str, ...] = Field(min_length=1)


class TableSpec(_Strict):
    """What a table question asks for: a measure by period and by category (or by one of
    its further breakdowns)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    periods: PeriodDimension
    categories: CategoryDimension
    breakdowns: tuple[Breakdown, ...] = ()
    measure: Literal["count"] = "count"
    # the key of the table question whose figures hold this one's (people on CPA are part of
    # all people in contact): a figure above its whole's is flagged for a person
    part_of: str | None = None


class Question(_Strict):
    """A numbered item of the letter with the type its answer is parsed to."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    text: str = Field(min_length=5)
    type: AnswerType
    choices: tuple[str, ...] = ()
    only_if: str | None = None
    yes_means: str | None = None
    # the unit a count is asked in: an answer in another ('2.5 WTE' where people are asked,
    # '37 hours a week' where posts are) is a doubt for a person
    unit: Literal["people", "posts", "fte", "hours"] | None = None
    # words an answer to this question uses that the question itself does not ("wards" for a
    # question about inpatients): how a sentence answering several questions is told apart
    keywords: tuple[str, ...] = ()
    # a 'table' question: the dimensions asked for and the measure
    table: TableSpec | None = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> Question:
        if self.type == "choice" and len(self.choices) < 2:
            raise ValueError("a 'choice' question needs at least two choices")
        if self.type == "table" and self.table is None:
            raise ValueError("a 'table' question needs a [questions.table] with periods and "
                             "categories")
        if self.type != "table" and self.table is not None:
            raise ValueError(f"only a 'table' question has a table (this one is {self.type!r})")
        if self.unit is not None and self.type not in ("count", "number"):
            raise ValueError(f"only a 'count' or 'number' question has a unit (this one is "
                             f"{self.type!r})")
        return self


class Recipients(_Strict):
    """Which authorities of the registry receive the campaign."""

    kind: str | None = None
    nations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


class Sender(_Strict):
    """Who signs the letters and receives the replies."""

    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    organisation: str | None = None


class LetterTemplate(_Strict):
    """The jinja2 templates of the subject line and body."""

    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)

    @field_validator("subject", "body")
    @classmethod
    def _compiles(cls, source: str) -> str:
        try:
            jinja2.Environment().parse(source)
        except jinja2.TemplateSyntaxError as exc:
            raise ValueError(f"template syntax error on line {exc.lineno}: {exc.message}") from exc
        return source


class Campaign(_Strict):
    """One round-robin: the same request to every selected authority."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    title: str = Field(min_length=3)
    reference_prefix: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$")
    regime: Regime = "foia"
    authority_noun: str = "authority"
    authority_noun_plural: str = "authorities"
    recipients: Recipients = Recipients()
    sender: Sender
    letter: LetterTemplate
    questions: tuple[Question, ...] = Field(min_length=1)
    # the day the campaign was closed for publication: lateness is counted to it, not to today
    cutoff: date | None = None

    @model_validator(mode="after")
    def _question_links(self) -> Campaign:
        keys = [q.key for q in self.questions]
        seen: set[str] = set()
        for q in self.questions:
            if q.key in seen:
                raise ValueError(f"question key {q.key!r} is used twice")
            if q.only_if is not None:
                target = next((p for p in self.questions if p.key == q.only_if), None)
                if target is None or q.only_if not in seen:
                    raise ValueError(
                        f"question {q.key!r}: only_if names {q.only_if!r}, which is not an "
                        f"earlier question (keys: {', '.join(keys)})"
                    )
                if target.type != "yes_no":
                    raise ValueError(f"question {q.key!r}: only_if must name a yes_no question")
            seen.add(q.key)
        tables = [q.key for q in self.questions if q.type == "table"]
        for q in self.questions:
            whole = q.table.part_of if q.table else None
            if whole is not None and (whole not in tables or whole == q.key):
                raise ValueError(f"question {q.key!r}: part_of names {whole!r}, which is not "
                                 f"another table question (tables: {', '.join(tables)})")
        return self

    def numbered(self) -> list[tuple[int, Question]]:
        """The questions with their 1-based numbers in the letter."""
        return list(enumerate(self.questions, start=1))


class CampaignFileError(ValueError):
    """A campaign file that cannot be used, with every problem listed by field."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def parse_campaign(text: str, source: str = "campaign") -> Campaign:
    """Parse and validate campaign TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignFileError(source, [f"not valid TOML: {exc}"]) from exc
    try:
        return Campaign.model_validate(data)
    except ValidationError as exc:
        raise CampaignFileError(source, [_describe(e, data) for e in exc.errors()]) from exc


def read_campaign(path: Path) -> Campaign:
    """Read and validate a campaign file (and that its code lists exist beside it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CampaignFileError(str(path), [f"cannot read the file: {exc}"]) from exc
    campaign = parse_campaign(text, str(path))
    missing = [f"question {n} (key {q.key!r}): {name!r} is not beside the campaign file"
               for n, q in campaign.numbered() if q.table
               for name in (q.table.categories.file, *q.table.categories.aliases)
               if name and not (path.parent / name).is_file()]
    if missing:
        raise CampaignFileError(str(path), missing)
    return campaign


def code_list_path(campaign_file: Path, question: Question) -> Path | None:
    """The code list (or hierarchy) file of a table question, beside its campaign file;
    None for free categories."""
    if question.table is None or question.table.categories.file is None:
        return None
    return campaign_file.parent / question.table.categories.file


_PATTERN_HINTS = {
    "id": "lowercase letters, digits and '-' (2 to 64 characters)",
    "reference_prefix": "2 to 10 capital letters and digits starting with a letter, e.g. QOF16",
    "key": "lowercase letters, digits and '_' starting with a letter (at most 40)",
    "email": "an email address",
}


def _location(loc: tuple[object, ...], data: object) -> str:
    """Where an error is, counting questions from 1 as the letter does: question 2 (key 'x')."""
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        items = data.get("questions") if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        key = item.get("key") if isinstance(item, dict) else None
        named = f"question {loc[1] + 1}" + (f" (key {key!r})" if isinstance(key, str) else "")
        return ".".join([named, *(str(part) for part in loc[2:])])
    return ".".join(
        f"[{part}]" if isinstance(part, int) else str(part) for part in loc).replace(".[", "[")


def _describe(error: object, data: object = None) -> str:
    err = dict(error)  # type: ignore[call-overload]
    loc = _location(tuple(err.get("loc", ())), data)
    message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    field = str((err.get("loc") or ("",))[-1])
    if err.get("type") == "string_pattern_mismatch" and field in _PATTERN_HINTS:
        message = f"{err.get('input')!r} must be {_PATTERN_HINTS[field]}"
    elif err.get("type") == "extra_forbidden":
        message = "unknown field (check its spelling)"
    elif err.get("type") == "missing":
        message = "required field is missing"
    return f"{loc or '(top level)'}: {message}"


def select_recipients(campaign: Campaign, authorities: Iterable[Authority]) -> list[Authority]:
    """The authorities the campaign's recipient selector picks, in id order."""
    sel = campaign.recipients
    chosen = []
    for a in authorities:
        if sel.ids and a.id not in sel.ids:
            continue
        if a.id in sel.exclude:
            continue
        if sel.kind and a.kind != sel.kind:
            continue
        if sel.nations and a.nation not in sel.nations:
            continue
        if sel.tags and not set(sel.tags) <= set(a.tags):
            continue
        chosen.append(a)
    return sorted(chosen, key=lambda a: a.id)
