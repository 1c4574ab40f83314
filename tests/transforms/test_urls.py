from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from transforms.urls import absolute_url, canonical_url


def test_canonical_url_lowercases_scheme_and_host_and_drops_default_port_and_fragment() -> None:
    assert canonical_url("HTTPS://Hub.Example:443/Events/Atelier#inscription") == "https://hub.example/Events/Atelier"
    assert canonical_url("http://hub.example:80/") == "http://hub.example/"


def test_canonical_url_keeps_a_non_default_port() -> None:
    assert canonical_url("https://hub.example:8443/a") == "https://hub.example:8443/a"


def test_canonical_url_removes_tracking_parameters_and_sorts_the_rest() -> None:
    url = "https://hub.example/e?utm_source=nl&b=2&fbclid=x&a=1&gclid=y&mc_cid=z&mc_eid=w&_ga=1&cHash=abc&UTM_Medium=m"
    assert canonical_url(url) == "https://hub.example/e?a=1&b=2"


def test_canonical_url_normalises_trailing_slash() -> None:
    assert canonical_url("https://hub.example/agenda/") == canonical_url("https://hub.example/agenda")
    assert canonical_url("https://hub.example") == "https://hub.example/"


def test_absolute_url_resolves_relative_paths() -> None:
    assert absolute_url("/e/1", "https://hub.example/agenda/") == "https://hub.example/e/1"
    assert absolute_url("e/1", "https://hub.example/agenda/") == "https://hub.example/agenda/e/1"
    assert absolute_url("//cdn.example/i.png", "https://hub.example/") == "https://cdn.example/i.png"


def test_absolute_url_keeps_absolute_http_urls() -> None:
    assert absolute_url(" https://other.example/x ", "https://hub.example/") == "https://other.example/x"


def test_absolute_url_rejects_other_schemes_and_unresolvable_input() -> None:
    assert absolute_url("javascript:alert(1)", "https://hub.example/") is None
    assert absolute_url("JaVa\tScRiPt:alert(1)", "https://hub.example/") is None
    assert absolute_url("data:text/html,<script>", "https://hub.example/") is None
    assert absolute_url("mailto:info@hub.example", "https://hub.example/") is None
    assert absolute_url("/relative", None) is None
    assert absolute_url("", "https://hub.example/") is None
    assert absolute_url("https://", None) is None


_urls = st.builds(
    lambda scheme, host, path, params, frag: f"{scheme}://{host}/{path}?{params}#{frag}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[A-Za-z0-9]{1,10}\.(be|example|brussels)", fullmatch=True),
    st.from_regex(r"[a-z0-9/_-]{0,20}", fullmatch=True),
    st.lists(st.tuples(st.sampled_from(["a", "b", "utm_source", "fbclid", "page"]), st.text("xyz01 &=", max_size=5)), max_size=4)
    .map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
    st.text("abc", max_size=3),
)


@given(_urls)
def test_canonical_url_is_idempotent_and_drops_tracking(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "fbclid" not in once and "#" not in once


def test_a_host_typed_without_its_scheme_is_not_a_path_under_the_base():
    assert absolute_url("www.site.example.be/agenda", "https://feed.example.be/rss") == "https://www.site.example.be/agenda"
    assert absolute_url("WWW.site.example.be", None) == "https://WWW.site.example.be"
    assert absolute_url("agenda/www.html", "https://feed.example.be/rss") == "https://feed.example.be/agenda/www.html"
