"""Telling a person when a foitrack run fails: a notification block and a Prefect automation."""

from __future__ import annotations

import contextlib

from prefect.automations import Automation, EventTrigger, SendNotification
from prefect.blocks.notifications import CustomWebhookNotificationBlock, SlackWebhook
from prefect.exceptions import ObjectNotFound

AUTOMATION_NAME = "foitrack: a run failed"
SUBJECT = "foitrack: {{ flow.name }} failed"
BODY = ("Flow run {{ flow_run.name }} ({{ flow_run.id }}) of {{ flow.name }} entered "
        "{{ flow_run.state.name }}: {{ flow_run.state.message }}")


def notify_on_failure(url: str, *, slack: bool = False, block_name: str = "foitrack-alerts"
                      ) -> str:
    """Save a webhook (or Slack) block and an automation that posts to it whenever a foitrack
    flow run fails or crashes; running it again replaces both. Returns the automation id."""
    if slack:
        block = SlackWebhook(url=url)
    else:
        # Posted as JSON {"subject": ..., "body": ...}; a newsroom relay on the LAN is allowed.
        block = CustomWebhookNotificationBlock(
            name="foitrack", url=url, json_data={"subject": "{{subject}}", "body": "{{body}}"},
            allow_private_urls=True)
    block_id = block.save(block_name, overwrite=True)
    with contextlib.suppress(ObjectNotFound, ValueError):   # ValueError: none yet
        Automation.read(name=AUTOMATION_NAME).delete()
    automation = Automation(
        name=AUTOMATION_NAME,
        description="Posts the run, its flow and the failure message when a foitrack run fails.",
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow",
                           "prefect.resource.name": "foitrack-*"},
            expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            posture="Reactive", threshold=1, within=0),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    ).create()
    return str(automation.id)
