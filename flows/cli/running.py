"""Running: the demo as one Prefect flow, and a warning when a scheduled run fails."""

import os
from typing import Annotated

import typer

from flows.cli.base import Failure, HomeOption, console


def demo(
    home: HomeOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulated authorities.")] = 2016,
) -> None:
    """Run the whole pipeline on simulated replies.

    As one Prefect flow, on the 209 CCGs of 2016."""
    from flows.demo import demo_flow  # Prefect is imported only when a flow runs
    from foi.workspace import resolve_home

    page = demo_flow(home=str(resolve_home(home)), seed=seed)
    console.print(f"published {page}")


def notify_on_failure(
    url: Annotated[str, typer.Argument(help="Where to post: a webhook URL (JSON with subject "
                                            "and body), or a Slack incoming-webhook URL.")],
    slack: Annotated[bool, typer.Option("--slack", help="URL is a Slack incoming webhook.")]
    = False,
) -> None:
    """Post to a webhook when a scheduled run fails.

    Saves a notification block and a Prefect automation on the server at $PREFECT_API_URL (run
    again to change the address)."""
    if not os.environ.get("PREFECT_API_URL"):
        raise Failure("set PREFECT_API_URL to the server the worker uses, e.g. "
                      "http://127.0.0.1:4200/api")
    from flows.notifications import notify_on_failure as create  # Prefect only when asked

    automation_id = create(url, slack=slack)
    console.print(f"automation {automation_id}: failed or crashed foitrack runs are posted to "
                  f"{url}", highlight=False)


