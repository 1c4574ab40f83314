"""`POST /v1/ping/{partner}`: a right token queues a fetch; a wrong one, or an unknown partner, queues nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bedigital.monitoring.ping import PINGS_PER_PARTNER, build_ping_router
from bedigital.monitoring.state import PINGS_DIR, monitoring_dir, pending_pings
from bedigital.monitoring.tokens import SecretsError, check_secrets_file
from pipelines.settings import Settings

TOKEN = "s3cret-token-for-the-hub-0123456789"


@pytest.fixture
def settings(tmp_path: Path, partners_dir: Path) -> Settings:
    return Settings(partners_dir=partners_dir, warehouse=tmp_path / "data" / "warehouse.duckdb", out_dir=tmp_path / "out")


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("HUB_TOKEN_FOR_TEST", TOKEN)
    app = FastAPI()
    app.include_router(build_ping_router(lambda: settings))
    return TestClient(app)


def queued(settings: Settings) -> dict:
    return pending_pings(monitoring_dir(settings.warehouse))


def test_a_ping_with_the_right_token_queues_a_fetch_of_the_partners_sources(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/ping/hub", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 202, response.text
    assert response.json()["sources"] == ["agenda"]
    assert set(queued(settings)) == {"hub"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"X-Ping-Token": TOKEN[:-1]},
                                     {"Authorization": f"Basic {TOKEN}"}])
def test_a_missing_or_wrong_token_is_refused_and_queues_nothing(client: TestClient, settings: Settings, headers) -> None:
    response = client.post("/v1/ping/hub", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert queued(settings) == {}
    assert not (monitoring_dir(settings.warehouse) / PINGS_DIR).exists()


def test_an_unknown_partner_is_404_and_queues_nothing(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/ping/nobody", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404 and "nobody" in response.json()["detail"]
    assert queued(settings) == {}


def test_a_partner_without_a_configured_token_cannot_ping(client: TestClient, settings: Settings, monkeypatch) -> None:
    monkeypatch.delenv("HUB_TOKEN_FOR_TEST")
    assert client.post("/v1/ping/hub", headers={"Authorization": "Bearer anything-at-all-here"}).status_code == 401
    assert queued(settings) == {}


def test_the_token_can_come_from_a_secrets_file(client: TestClient, settings: Settings, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HUB_TOKEN_FOR_TEST")
    secrets = tmp_path / "pings.yaml"
    secrets.write_text(f"hub: {TOKEN}\n", encoding="utf-8")
    monkeypatch.setenv("BEDIGITAL_PING_SECRETS", str(secrets))
    assert client.post("/v1/ping/hub", headers={"X-Ping-Token": TOKEN}).status_code == 202


@pytest.mark.parametrize(("name", "text"), [
    ("pings.yaml", f"hub: {TOKEN}\nother: x\nhub: another-token-0123456789\n"),
    ("pings.json", f'{{"hub": "{TOKEN}", "hub": "another-token-0123456789"}}'),
])
def test_a_partner_written_twice_in_the_secrets_file_is_refused_with_the_line(
    client: TestClient, settings: Settings, monkeypatch, tmp_path: Path, name: str, text: str
) -> None:
    # YAML and JSON keep the last of two equal keys: the second token replaced the first without a word.
    monkeypatch.delenv("HUB_TOKEN_FOR_TEST")
    secrets = tmp_path / name
    secrets.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BEDIGITAL_PING_SECRETS", str(secrets))
    with pytest.raises(SecretsError, match="'hub' is written twice"):
        check_secrets_file()
    if name.endswith(".yaml"):
        with pytest.raises(SecretsError, match="line 3"):
            check_secrets_file()
    response = client.post("/v1/ping/hub", headers={"X-Ping-Token": TOKEN})
    assert response.status_code == 503 and "staff" in response.json()["detail"]  # not a 500 with a traceback
    assert queued(settings) == {}


def test_serve_does_not_start_with_a_broken_secrets_file(tmp_path: Path, monkeypatch, capsys) -> None:
    from bedigital.cli import main

    secrets = tmp_path / "pings.yaml"
    secrets.write_text(f"hub: {TOKEN}\nhub: {TOKEN}x\n", encoding="utf-8")
    monkeypatch.setenv("BEDIGITAL_PING_SECRETS", str(secrets))
    assert main(["serve", "--out", str(tmp_path), "--port", "9"]) == 2  # returns before listening
    err = capsys.readouterr().err
    assert f"BEDIGITAL_PING_SECRETS={secrets}" in err and "line 2" in err and "'hub' is written twice" in err


def test_pings_are_rate_limited(client: TestClient, settings: Settings) -> None:
    limit = PINGS_PER_PARTNER[0]
    codes = [client.post("/v1/ping/hub", headers={"Authorization": f"Bearer {TOKEN}"}).status_code for _ in range(limit + 1)]
    assert codes == [202] * limit + [429]


def test_repeated_wrong_tokens_from_one_address_are_slowed_down(client: TestClient) -> None:
    codes = {client.post("/v1/ping/hub", headers={"Authorization": "Bearer nope-nope-nope-nope"}).status_code for _ in range(12)}
    assert codes == {401, 429}
