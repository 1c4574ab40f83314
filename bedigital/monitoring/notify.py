"""Sending alerts to staff: by e-mail (SMTP) and to a webhook (JSON POST).

Configured by environment variables (or the NotifierResource, which takes the same settings):

    BEDIGITAL_ALERT_SMTP_HOST, BEDIGITAL_ALERT_SMTP_PORT (25), BEDIGITAL_ALERT_SMTP_FROM,
    BEDIGITAL_ALERT_SMTP_TO (comma-separated), BEDIGITAL_ALERT_SMTP_USER, BEDIGITAL_ALERT_SMTP_PASSWORD,
    BEDIGITAL_ALERT_SMTP_STARTTLS (1 to upgrade the connection)
    BEDIGITAL_ALERT_WEBHOOK_URL, BEDIGITAL_ALERT_WEBHOOK_TOKEN (sent as a Bearer token)

A channel that fails never stops the others, and never raises: its error is returned.
"""
from __future__ import annotations

import json
import os
import smtplib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any, Mapping, Protocol

import httpx

SEND_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Alert:
    """Something staff must look at."""

    kind: str  # run_failure | publication_blocked
    subject: str
    message: str
    severity: str = "error"
    run_id: str | None = None
    job_name: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    alert_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def as_json(self) -> dict[str, Any]:
        payload = asdict(self)
        payload["created_at"] = self.created_at.isoformat()
        return payload


class Channel(Protocol):
    name: str

    def send(self, alert: Alert) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpChannel:
    host: str
    sender: str
    recipients: tuple[str, ...]
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    name: str = "smtp"

    def message(self, alert: Alert) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = f"[bedigital] {alert.subject}"
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.recipients)
        lines = [alert.message, "", f"kind: {alert.kind}", f"severity: {alert.severity}"]
        if alert.run_id:
            lines.append(f"run: {alert.run_id} ({alert.job_name or '?'})")
        if alert.details:
            lines += ["", json.dumps(alert.details, indent=2, ensure_ascii=False, default=str)]
        mail.set_content("\n".join(lines))
        return mail

    def send(self, alert: Alert) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SEND_TIMEOUT_S) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(self.message(alert))


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    url: str
    token: str | None = None
    name: str = "webhook"

    def send(self, alert: Alert) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = httpx.post(self.url, json=alert.as_json(), headers=headers, timeout=SEND_TIMEOUT_S)
        if response.status_code >= 400:
            raise RuntimeError(f"the webhook {self.url} answered HTTP {response.status_code}")


@dataclass(frozen=True, slots=True)
class Notifier:
    channels: tuple[Channel, ...] = ()

    def notify(self, alert: Alert) -> dict[str, str]:
        """Send through every channel; returns channel -> 'sent' or the error that stopped it."""
        deliveries: dict[str, str] = {}
        for channel in self.channels:
            try:
                channel.send(alert)
                deliveries[channel.name] = "sent"
            except Exception as exc:  # one broken channel must not silence the others
                deliveries[channel.name] = f"{type(exc).__name__}: {exc}"
        return deliveries


def _recipients(value: str | None) -> tuple[str, ...]:
    return tuple(r.strip() for r in (value or "").split(",") if r.strip())


def build_notifier(
    *, smtp_host: str | None = None, smtp_port: int = 25, smtp_from: str | None = None, smtp_to: str | None = None,
    smtp_user: str | None = None, smtp_password: str | None = None, smtp_starttls: bool = False,
    webhook_url: str | None = None, webhook_token: str | None = None,
) -> Notifier:
    """A notifier with the channels whose settings are given; a half-configured channel is an error."""
    channels: list[Channel] = []
    if smtp_host:
        recipients = _recipients(smtp_to)
        if not recipients or not smtp_from:
            raise ValueError("SMTP alerts need a sender (BEDIGITAL_ALERT_SMTP_FROM) and recipients (BEDIGITAL_ALERT_SMTP_TO)")
        channels.append(SmtpChannel(smtp_host, smtp_from, recipients, smtp_port, smtp_user, smtp_password, smtp_starttls))
    if webhook_url:
        if not webhook_url.startswith(("http://", "https://")):
            raise ValueError(f"BEDIGITAL_ALERT_WEBHOOK_URL must be an http(s) URL, got {webhook_url!r}")
        channels.append(WebhookChannel(webhook_url, webhook_token))
    return Notifier(tuple(channels))


def notifier_from_env(env: Mapping[str, str] | None = None) -> Notifier:
    env = os.environ if env is None else env
    port = env.get("BEDIGITAL_ALERT_SMTP_PORT", "25")
    if not port.isdigit():
        raise ValueError(f"BEDIGITAL_ALERT_SMTP_PORT must be a port number, got {port!r}")
    return build_notifier(
        smtp_host=env.get("BEDIGITAL_ALERT_SMTP_HOST"), smtp_port=int(port),
        smtp_from=env.get("BEDIGITAL_ALERT_SMTP_FROM"), smtp_to=env.get("BEDIGITAL_ALERT_SMTP_TO"),
        smtp_user=env.get("BEDIGITAL_ALERT_SMTP_USER"), smtp_password=env.get("BEDIGITAL_ALERT_SMTP_PASSWORD"),
        smtp_starttls=env.get("BEDIGITAL_ALERT_SMTP_STARTTLS", "0") in ("1", "true", "yes"),
        webhook_url=env.get("BEDIGITAL_ALERT_WEBHOOK_URL"), webhook_token=env.get("BEDIGITAL_ALERT_WEBHOOK_TOKEN"),
    )
