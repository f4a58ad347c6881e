"""What every `foi` command shares: the consoles, user errors, common options, a progress bar.

Nothing heavy is imported here: each command imports the steps it runs when it runs, so
`foi --help` and `foi sql` start in a fraction of a second.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

if TYPE_CHECKING:  # typer's own copy of click, the one it calls us with
    from typer import _click as click

# No markup anywhere: what we print holds authorities' words (subjects, file names, reasons
# such as "PDF is corrupt ([Errno …])"), and rich would read their [brackets] as tags.
console = Console(markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)


class Failure(Exception):
    """A user-facing error: printed in one line, exit code 1."""


# Errors a user can fix, by module: an exception can only be one of these classes if its
# module was imported, so none of them is imported just to be caught.
USER_ERRORS = {
    "foi.workspace": ("WorkspaceError",),
    "warehouse.db": ("WarehouseError",),
    "foi.campaigns": ("CampaignFileError",),
    "foi.authorities": ("RegistryFileError",),
    "foi.letters": ("LetterError",),
    "foi.mail.transports": ("TransportError",),
    "foi.mail.imap": ("ImapError",),
    "foi.registries.http": ("RegistryError",),
    "jinja2": ("TemplateError",),
}


def is_user_error(exc: BaseException) -> bool:
    """True for an error the user can fix: printed as one line, not a traceback."""
    if isinstance(exc, Failure | FileNotFoundError | ValueError):
        return True
    for module_name, names in USER_ERRORS.items():
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, tuple(getattr(module, n) for n in names)):
            return True
    return False


# The panels of `foi --help`, in the order a campaign goes.
PANELS = ("Workspace", "Registry", "Sending and the clock", "Mail", "Reading", "Review",
          "Publishing", "Running")


class Commands(TyperGroup):
    """The `foi` group: commands listed panel by panel, and user errors as one red line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands in the order of their panels, then of registration."""
        def panel(name: str) -> int:
            found = getattr(self.commands[name], "rich_help_panel", None)
            return PANELS.index(found) if found in PANELS else len(PANELS)
        return sorted(super().list_commands(ctx), key=panel)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Plain text, one line a command under its panel's heading.

        Rendering `foi --help` with rich would cost more than everything else it does."""
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_options(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each panel's commands with the first sentence of their help."""
        commands = [(name, self.commands[name]) for name in self.list_commands(ctx)
                    if not self.commands[name].hidden]
        panels: dict[str, list[tuple[str, Any]]] = {}
        for name, command in commands:
            heading = getattr(command, "rich_help_panel", None) or "Commands"
            panels.setdefault(heading, []).append((name, command))
        for heading, entries in panels.items():
            limit = formatter.width - 6 - max(len(name) for name, _ in entries)
            with formatter.section(heading):
                formatter.write_dl([(name, command.get_short_help_str(limit))
                                    for name, command in entries])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            err.print(Text.assemble(("error:", "red"), f" {exc}"), highlight=False)
            raise typer.Exit(1) from exc


def group(help_text: str) -> typer.Typer:
    """A command group (`foi authorities …`) that shows its help when called bare."""
    return typer.Typer(help=help_text, no_args_is_help=True)


HomeOption = Annotated[Path | None, typer.Option(
    "--home", help="Workspace directory (default: $FOI_HOME or ./foi-data).")]
Format = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]
CampaignArgument = Annotated[str, typer.Argument(help="Campaign id.")]


def date_option(name: str, value: str | None) -> date | None:
    """An option's YYYY-MM-DD value as a date, or a one-line error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Failure(f"{name} {value!r} is not a date: use YYYY-MM-DD") from exc


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A rich progress bar on stderr; yields a callback (done, total, item)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn(label, style="bold", markup=False), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                  console=err, transient=False, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=item)
        yield update


def warn(line: str, style: str = "yellow") -> None:
    """One line on stderr, printed as written (authorities' words are never markup)."""
    err.print(line, style=style, highlight=False)
