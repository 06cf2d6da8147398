"""Hostile and broken pages: paging links to other hosts, paging that never ends, pages of the wrong
shape, a proxy's 4xx page. The token never leaves the API's host, nothing loops, nothing is lost in
silence; every failure names the endpoint. Records are compared with the sandbox's dataset."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

import pytest

from integration_tests.connector_runner import configured_catalog
from integration_tests.reliability.harness import FIGURES
from integration_tests.reliability.profiles import PROFILES
from sandbox import Request

LINKEDIN, LEARNWORLDS = PROFILES["linkedin_learning"], PROFILES["learnworlds"]
ASSETS = "/v2/learningAssets"
LEADS = "/leads"


class Trap:
    """A loopback server that answers nothing useful and remembers the Authorization headers it got."""

    def __init__(self) -> None:
        trap = self
        self.authorizations: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                trap.authorizations.append(self.headers.get("Authorization") or "")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def trap() -> Iterator[Trap]:
    running = Trap()
    yield running
    running.server.shutdown()
    running.server.server_close()


def sync(profile, sandbox, launcher, discovered, streams: tuple[str, ...], **config: Any):
    catalog = configured_catalog(discovered(profile.connector), streams=streams, incremental=False)
    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url, **config), catalog=catalog, timeout=240)
    FIGURES.add_sync(sandbox, compared=len(run.records), lost=0)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    return run


def course_urns(sandbox) -> list[str]:
    return [asset["urn"] for asset in sandbox.app("linkedin_learning").dataset.assets("COURSE", "en_US", include_retired=True)]


def read_assets(sandbox, launcher, discovered):
    run = sync(LINKEDIN, sandbox, launcher, discovered, ("learning_assets",), asset_types=["COURSE"])
    return run, [record["urn"] for record in run.records_of("learning_assets")]


def rewrite_next_links(rewrite: Callable[[str, int], str]) -> Callable[[Request, Any], Any]:
    """Rewrites the `next` link of every learningAssets page: rewrite(href, the page's start)."""

    def mutate(request: Request, payload: Any) -> Any:
        if request.path == ASSETS and isinstance(payload, dict):
            for link in payload.get("paging", {}).get("links", []):
                if link.get("rel") == "next":
                    link["href"] = rewrite(link["href"], payload["paging"]["start"])
        return payload

    return mutate


def the_error(run) -> dict[str, Any]:
    assert run.exit_code != 0 and run.errors, f"the sync should have failed:\n{run.output[-3000:]}"
    return run.errors[0]


# -- issue 13 item 2: a paging link never takes the token to another host ---------------------------
HOSTILE_LINKS = {
    "user info naming another host": lambda sandbox, trap: lambda href, start: f"@{trap.host}{href}",
    "a suffix of the API host": lambda sandbox, trap: lambda href, start: f".evil.example{href}",
    "the API host as user info": lambda sandbox, trap: lambda href, start: f"{sandbox.url}@{trap.host}{href}",
    "an absolute link to another host": lambda sandbox, trap: lambda href, start: f"http://{trap.host}{href}",
}


@pytest.mark.parametrize("form", list(HOSTILE_LINKS))
def test_linkedin_paging_link_to_another_host_fails_and_the_token_stays_home(form, trap, fresh_sandbox, launcher, discovered):
    sandbox = LINKEDIN.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=rewrite_next_links(HOSTILE_LINKS[form](sandbox, trap)))

    run, urns = read_assets(sandbox, launcher, discovered)

    assert not trap.authorizations, f"a request went to the other host, with Authorization {trap.authorizations[:1]}"
    error = the_error(run)
    assert ASSETS in error["message"] and "api_url" in error["message"], error["message"]
    assert urns == course_urns(sandbox)[:100], "the first page's records should be delivered, and nothing else"


def test_linkedin_absolute_paging_link_on_the_api_host_is_followed(fresh_sandbox, launcher, discovered):
    sandbox = LINKEDIN.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=rewrite_next_links(lambda href, start: sandbox.url + href))

    run, urns = read_assets(sandbox, launcher, discovered)

    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    assert urns == course_urns(sandbox)


# -- issue 10 item 5: a missing next link before paging.total is not the end ------------------------
@pytest.mark.parametrize("omit_next_links", [False, True], ids=["links on every page", "pages without next links"])
def test_linkedin_pages_are_read_to_the_total_with_or_without_next_links(omit_next_links, fresh_sandbox, launcher, discovered):
    sandbox = LINKEDIN.sandbox(fresh_sandbox, omit_next_links=omit_next_links)

    run, urns = read_assets(sandbox, launcher, discovered)

    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    expected = course_urns(sandbox)
    assert len(expected) > 200, "the scenario needs three pages"
    assert urns == expected
    pages = [entry.param("start") or "0" for entry in sandbox.log.entries(path_prefix=ASSETS)]
    assert sorted(pages, key=int) == ["0", "100", "200"], f"each page read once, none past the total: {pages}"


# -- issue 13 item 6: endless paging stops with an error that names the endpoint --------------------
def test_linkedin_next_link_back_to_the_same_page_stops(fresh_sandbox, launcher, discovered):
    sandbox = LINKEDIN.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=rewrite_next_links(lambda href, start: href.replace("start=200", f"start={start}") if start else href))

    run, urns = read_assets(sandbox, launcher, discovered)

    error = the_error(run)
    assert ASSETS in error["message"] and "start=100" in error["message"], error["message"]
    assert urns == course_urns(sandbox)[:200], "the records of the pages read should be kept"
    assert len(sandbox.log.entries(path_prefix=ASSETS)) == 2


def lead_emails(sandbox) -> list[str]:
    return [lead["email"] for lead in sandbox.app("learnworlds").dataset.leads]


def read_leads(sandbox, launcher, discovered):
    run = sync(LEARNWORLDS, sandbox, launcher, discovered, ("leads",))
    return run, [record["email"] for record in run.records_of("leads")]


def rewrite_meta(**meta: Any) -> Callable[[Request, Any], Any]:
    def mutate(request: Request, payload: Any) -> Any:
        if request.path.endswith(LEADS) and isinstance(payload, dict):
            payload["meta"].update(meta)
        return payload

    return mutate


@pytest.mark.parametrize("meta, problem", [
    ({"page": 1}, "page 2 was asked for and meta.page says 1"),
    # Past the end the API repeats the last page, with its own number.
    ({"totalPages": 10**9}, "page 3 was asked for and meta.page says 2"),
], ids=["meta.page stuck at 1", "totalPages of 10^9"])
def test_learnworlds_runaway_page_counts_stop(meta, problem, fresh_sandbox, launcher, discovered):
    sandbox = LEARNWORLDS.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=rewrite_meta(**meta))

    run, emails = read_leads(sandbox, launcher, discovered)

    error = the_error(run)
    assert LEADS in error["message"] and problem in error["message"], error["message"]
    assert set(emails) == set(lead_emails(sandbox)), "the records of the pages read should be kept"
    assert len(sandbox.log.entries(path_prefix="/admin/api/v2" + LEADS)) <= 3


# -- issue 13 item 7: a page of the wrong shape is retried, never read as empty ---------------------
class FirstAnswers:
    """Replaces the first `count` answers of `path` with `shape(payload)`."""

    def __init__(self, path: str, shape: Callable[[Any], Any], count: int = 2) -> None:
        self.path, self.shape, self.left = path, shape, count
        self.lock = threading.Lock()

    def __call__(self, request: Request, payload: Any) -> Any:
        with self.lock:
            if not request.path.endswith(self.path) or self.left <= 0:
                return payload
            self.left -= 1
        return self.shape(payload)


def without(key: str) -> Callable[[dict], dict]:
    return lambda payload: {name: value for name, value in payload.items() if name != key}


def replaced(key: str, value: Any) -> Callable[[dict], dict]:
    return lambda payload: {**payload, key: value}


MALFORMED = {
    "records missing": lambda key: without(key),
    "records null": lambda key: replaced(key, None),
    "records an object": lambda key: replaced(key, {"0": {}}),
    "a string body": lambda key: lambda payload: "<html>Service moved</html>",
}


def bare_array(payload: dict) -> list:
    return payload["elements"]


def string_page_numbers(payload: dict) -> dict:
    return {**payload, "meta": {name: str(value) for name, value in payload["meta"].items()}}


@pytest.mark.parametrize("shape", [*MALFORMED, "a bare array body"])
def test_linkedin_malformed_page_is_retried_and_nothing_lost(shape, fresh_sandbox, launcher, discovered):
    sandbox = LINKEDIN.sandbox(fresh_sandbox)
    malform = bare_array if shape == "a bare array body" else MALFORMED[shape]("elements")
    sandbox.set_faults(mutate_body=FirstAnswers(ASSETS, malform))

    run, urns = read_assets(sandbox, launcher, discovered)

    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    assert urns == course_urns(sandbox)
    assert len(sandbox.log.entries(path_prefix=ASSETS)) == 3 + 2, "each malformed answer should be asked again"


@pytest.mark.parametrize("shape", [*MALFORMED, "string page numbers"])
def test_learnworlds_malformed_page_is_retried_and_nothing_lost(shape, fresh_sandbox, launcher, discovered):
    sandbox = LEARNWORLDS.sandbox(fresh_sandbox)
    malform = string_page_numbers if shape == "string page numbers" else MALFORMED[shape]("data")
    sandbox.set_faults(mutate_body=FirstAnswers(LEADS, malform))

    run, emails = read_leads(sandbox, launcher, discovered)

    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    assert sorted(emails) == sorted(lead_emails(sandbox))
    pages = [entry.param("page") or "1" for entry in sandbox.log.entries(path_prefix="/admin/api/v2" + LEADS)]
    assert all(page.isdigit() for page in pages), f"a page parameter that is not a number was sent: {pages}"
    assert len(pages) == 2 + 2, f"each malformed answer should be asked again: {pages}"


def test_linkedin_page_that_stays_malformed_fails_naming_the_endpoint(fresh_sandbox, launcher, discovered):
    sandbox = LINKEDIN.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=FirstAnswers(ASSETS, without("elements"), count=1000))

    run, urns = read_assets(sandbox, launcher, discovered)

    error = the_error(run)
    assert ASSETS in error["message"] and "elements" in error["message"], error["message"]
    assert not urns


def test_learnworlds_bare_array_where_a_page_is_expected_fails_naming_the_endpoint(fresh_sandbox, launcher, discovered):
    sandbox = LEARNWORLDS.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=FirstAnswers(LEADS, lambda payload: payload["data"], count=1000))

    run, emails = read_leads(sandbox, launcher, discovered)

    error = the_error(run)
    assert LEADS in error["message"] and "`data` is missing" in error["message"], error["message"]
    assert not emails


# -- issue 13 item 8: a proxy's 4xx page fails at once, naming the status and the field -------------
@pytest.mark.parametrize("profile, status, field", [
    (LINKEDIN, 404, "api_url"),
    (LINKEDIN, 431, "partner_referer"),
    (LEARNWORLDS, 431, "client_id"),
], ids=["linkedin 404", "linkedin 431", "learnworlds 431"])
def test_html_4xx_fails_at_once_naming_status_and_field(profile, status, field, fresh_sandbox, launcher, discovered):
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(html_502_rate=1.0, html_status=status)
    stream = "learning_assets" if profile is LINKEDIN else "leads"

    run = sync(profile, sandbox, launcher, discovered, (stream,))

    error = the_error(run)
    assert error["failure_type"] == "config_error", error
    assert f"HTTP {status}" in error["message"] and field in error["message"], error["message"]
    asked = [(entry.path, str(sorted(entry.query.items()))) for entry in sandbox.log.entries() if entry.fault]
    assert asked and len(asked) == len(set(asked)), f"a {status} was asked again: {asked}"
