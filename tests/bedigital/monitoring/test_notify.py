"""Alerts reach a real SMTP server and a real HTTP receiver on 127.0.0.1, and are recorded in the warehouse."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from pytest_httpserver import HTTPServer

from bedigital.monitoring.alerts import raise_alert
from bedigital.monitoring.notify import Alert, build_notifier, notifier_from_env
from bedigital.monitoring.state import ALERTS_SPOOL, monitoring_dir
from warehouse.connection import connect
from warehouse.report import recent_alerts


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def alert() -> Alert:
    return Alert(kind="run_failure", subject="run abc failed", message="step publication failed: boom", run_id="abc",
                 job_name="ingest", details={"failed_steps": ["publication"]})


def test_an_alert_is_mailed_posted_and_recorded(smtp, httpserver: HTTPServer, tmp_path: Path) -> None:
    controller, inbox = smtp
    httpserver.expect_request("/hook", method="POST", headers={"Authorization": "Bearer t0k"}).respond_with_data("ok")
    notifier = build_notifier(smtp_host="127.0.0.1", smtp_port=controller.port,
                              smtp_from="pipeline@bedigital.test", smtp_to="staff@bedigital.test, ops@bedigital.test",
                              webhook_url=httpserver.url_for("/hook"), webhook_token="t0k")
    warehouse = tmp_path / "w.duckdb"
    deliveries = raise_alert(warehouse, alert(), notifier)

    assert deliveries == {"smtp": "sent", "webhook": "sent"}
    [mail] = inbox.messages
    assert mail["Subject"] == "[bedigital] run abc failed" and "ops@bedigital.test" in mail["To"]
    assert "step publication failed: boom" in mail.get_payload()
    [(request, _)] = httpserver.log
    assert json.loads(request.data)["subject"] == "run abc failed"
    con = connect(warehouse)
    try:
        [row] = recent_alerts(con)
    finally:
        con.close()
    assert (row["kind"], row["run_id"], row["deliveries"]) == ("run_failure", "abc", deliveries)
    assert (monitoring_dir(warehouse) / ALERTS_SPOOL).read_text() == ""


def test_a_failing_channel_is_reported_and_does_not_stop_the_others(smtp, httpserver: HTTPServer, tmp_path: Path) -> None:
    controller, inbox = smtp
    httpserver.expect_request("/hook").respond_with_data("nope", status=500)
    notifier = build_notifier(webhook_url=httpserver.url_for("/hook"), smtp_host="127.0.0.1",
                              smtp_port=controller.port,
                              smtp_from="p@bedigital.test", smtp_to="s@bedigital.test")
    deliveries = notifier.notify(alert())
    assert deliveries["smtp"] == "sent" and "HTTP 500" in deliveries["webhook"]
    assert len(inbox.messages) == 1


def test_configuration_from_the_environment_is_checked() -> None:
    assert notifier_from_env({}).channels == ()
    with pytest.raises(ValueError, match="BEDIGITAL_ALERT_SMTP_FROM"):
        notifier_from_env({"BEDIGITAL_ALERT_SMTP_HOST": "127.0.0.1"})
    with pytest.raises(ValueError, match="port number"):
        notifier_from_env({"BEDIGITAL_ALERT_SMTP_PORT": "twenty-five"})
    with pytest.raises(ValueError, match="http"):
        notifier_from_env({"BEDIGITAL_ALERT_WEBHOOK_URL": "ftp://x"})
