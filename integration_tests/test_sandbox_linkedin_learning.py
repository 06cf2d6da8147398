"""Conformance of the LinkedIn Learning emulator with the API's documents, over real HTTP.

The connector is tested against this emulator, so the emulator must hold the documented
behaviour, quirks included (see sandbox/linkedin_learning/README.md and
shared/reference/linkedin-learning-api.md).
"""
from __future__ import annotations

import time
from typing import Any, Iterator, Optional
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests

from sandbox import LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET, Sandbox
from sandbox.linkedin_learning import UNLICENSED_CLIENT_ID, UNLICENSED_CLIENT_SECRET, LinkedInLearningDataset
from sandbox.linkedin_learning.dataset import DAY_MS

APP = "linkedin_learning"
DAILY_QUOTA_BODY = {"status": 429, "serviceErrorCode": 101,
                    "message": "Resource level throttle limit for calls to this resource is reached."}
INVALID_TOKEN_BODY = {"status": 401, "serviceErrorCode": 65600, "message": "Invalid access token"}
EN_US_COURSES = "/v2/learningAssets?q=localeAndType&assetType=COURSE&sourceLocale.language=en&sourceLocale.country=US"


def mint(base_url: str, client_id: str = LINKEDIN_CLIENT_ID, client_secret: str = LINKEDIN_CLIENT_SECRET,
         grant_type: str = "client_credentials") -> requests.Response:
    return requests.post(f"{base_url}/oauth/v2/accessToken",
                         data={"grant_type": grant_type, "client_id": client_id, "client_secret": client_secret})


def api(base_url: str, client_id: str = LINKEDIN_CLIENT_ID, client_secret: str = LINKEDIN_CLIENT_SECRET) -> requests.Session:
    """A session that sends a freshly minted bearer token; `session.get(path)` takes API paths."""
    token = mint(base_url, client_id, client_secret).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    original_get = session.get
    session.get = lambda path, **kwargs: original_get(base_url + path, **kwargs)  # type: ignore[method-assign]
    return session


def follow_next(session: requests.Session, path: str, fields: Optional[str] = None) -> Iterator[dict[str, Any]]:
    """Every page of a finder, following `rel=next` links (re-adding `fields`, which links drop)."""
    while path:
        page = session.get(path + (f"&fields={fields}" if fields else ""))
        assert page.status_code == 200, page.text
        body = page.json()
        yield body
        path = next((link["href"] for link in body["paging"]["links"] if link["rel"] == "next"), None)


def urns(elements: list[dict[str, Any]]) -> list[str]:
    return [element["urn"] for element in elements]


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture(scope="module")
def session(sandbox: Sandbox) -> requests.Session:
    return api(sandbox.url)


@pytest.fixture(scope="module")
def dataset(sandbox: Sandbox) -> LinkedInLearningDataset:
    return sandbox.app(APP).dataset


# -- tokens and bearer checks ------------------------------------------------------------------

def test_token_endpoint_mints_a_client_credentials_token_that_opens_the_api(sandbox: Sandbox) -> None:
    minted = mint(sandbox.url)
    assert minted.status_code == 200
    assert minted.json()["expires_in"] == 7775999
    answer = requests.get(f"{sandbox.url}{EN_US_COURSES}&count=1",
                          headers={"Authorization": f"Bearer {minted.json()['access_token']}",
                                   "referer": "urn:li:partner:sandbox"})
    assert answer.status_code == 200


@pytest.mark.parametrize("form, status, error", [
    ({"grant_type": "client_credentials", "client_id": LINKEDIN_CLIENT_ID, "client_secret": "wrong"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": "someone-else", "client_secret": LINKEDIN_CLIENT_SECRET}, 401, "invalid_client"),
    ({"grant_type": "authorization_code", "client_id": LINKEDIN_CLIENT_ID, "client_secret": LINKEDIN_CLIENT_SECRET}, 400, "unsupported_grant_type"),
    ({"client_id": LINKEDIN_CLIENT_ID, "client_secret": LINKEDIN_CLIENT_SECRET}, 400, "invalid_request"),
])
def test_token_endpoint_refuses_bad_requests_with_oauth_errors(sandbox: Sandbox, form: dict, status: int, error: str) -> None:
    answer = requests.post(f"{sandbox.url}/oauth/v2/accessToken", data=form)
    assert answer.status_code == status
    assert answer.json()["error"] == error
    if status == 401:
        assert answer.json() == {"error": "invalid_client", "error_description": "Client authentication failed"}


def test_minting_rejection_fault_refuses_valid_credentials(fresh_sandbox) -> None:
    running = fresh_sandbox(scale="tiny", apps=[APP])
    running.set_faults(reject_token_minting=True)
    assert mint(running.url).status_code == 401
    running.set_faults()
    assert mint(running.url).status_code == 200


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic c2VjcmV0"])
def test_api_calls_without_a_valid_bearer_token_get_401(sandbox: Sandbox, authorization: Optional[str]) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = requests.get(f"{sandbox.url}{EN_US_COURSES}", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == INVALID_TOKEN_BODY


def test_expired_and_revoked_tokens_get_401(fresh_sandbox) -> None:
    expiring = fresh_sandbox(scale="tiny", apps=[APP], linkedin_learning={"token_lifetime_seconds": 0})
    assert mint(expiring.url).json()["expires_in"] == 0
    assert api(expiring.url).get(EN_US_COURSES).json() == INVALID_TOKEN_BODY

    running = fresh_sandbox(scale="tiny", apps=[APP])
    session = api(running.url)
    assert session.get(EN_US_COURSES).status_code == 200
    running.app(APP).revoke_tokens()
    assert session.get(EN_US_COURSES).json() == INVALID_TOKEN_BODY


def test_unlicensed_application_gets_a_token_but_403_on_every_resource(sandbox: Sandbox) -> None:
    session = api(sandbox.url, UNLICENSED_CLIENT_ID, UNLICENSED_CLIENT_SECRET)
    for path in (EN_US_COURSES, "/v2/learningClassifications?q=keyword&keyword=data",
                 "/v2/learningActivityReports?q=criteria&startedAt=0&timeOffset.unit=DAY&timeOffset.duration=1&aggregationCriteria.primary=ACCOUNT"):
        answer = session.get(path)
        assert answer.status_code == 403
        body = answer.json()
        assert (body["status"], body["serviceErrorCode"]) == (403, 100)
        assert "licence" in body["message"] and "Partner Program" in body["message"]


# -- paging ------------------------------------------------------------------------------------

def test_locale_and_type_pages_follow_next_links_to_the_whole_catalog(session, dataset) -> None:
    pages = list(follow_next(session, f"{EN_US_COURSES}&includeRetired=true&count=37"))
    expected = urns(list(dataset.assets("COURSE", locale="en_US", include_retired=True)))
    assert [urn for page in pages for urn in urns(page["elements"])] == expected
    assert all(page["paging"]["total"] == len(expected) and page["paging"]["count"] == 37 for page in pages)
    assert [link["rel"] for link in pages[0]["paging"]["links"]] == ["next"]
    assert [link["rel"] for link in pages[-1]["paging"]["links"]] == ["prev"]
    assert [link["rel"] for link in pages[1]["paging"]["links"]] == ["prev", "next"]


def test_paging_links_are_relative_alphabetical_and_never_carry_fields(session) -> None:
    body = session.get(f"{EN_US_COURSES}&count=5&start=10&expandDepth=1&includeRetired=false&fields=urn,title").json()
    links = {link["rel"]: link for link in body["paging"]["links"]}
    assert {link["type"] for link in links.values()} == {"application/json"}
    for rel, start in (("prev", 5), ("next", 15)):
        href = links[rel]["href"]
        assert href.startswith("/v2/learningAssets?")
        keys = [key for key, _ in parse_qsl(urlsplit(href).query)]
        assert keys == sorted(keys)
        assert "fields" not in keys
        assert dict(parse_qsl(urlsplit(href).query))["start"] == str(start)
    assert (body["paging"]["start"], body["paging"]["count"]) == (10, 5)


def test_criteria_links_match_the_vendor_sample_byte_for_byte(session) -> None:
    """The vendor criteria sample request; its documented links (start=3398/3402 of start=3400) at start=4."""
    sample = ("/v2/learningAssets?q=criteria&assetFilteringCriteria.assetTypes[0]=COURSE&assetRetrievalCriteria.includeRetired=true"
              "&assetRetrievalCriteria.expandDepth=1&count=2&start=4&assetFilteringCriteria.licensedOnly=true"
              "&assetFilteringCriteria.locales[0].country=US&assetFilteringCriteria.locales[0].language=en&fields=urn,title,details:(level)")
    vendor_href = ("/v2/learningAssets?assetFilteringCriteria.assetTypes[0]=COURSE&assetFilteringCriteria.licensedOnly=true"
                   "&assetFilteringCriteria.locales[0].country=US&assetFilteringCriteria.locales[0].language=en"
                   "&assetRetrievalCriteria.expandDepth=1&assetRetrievalCriteria.includeRetired=true&count=2&q=criteria&start={}")
    body = session.get(sample).json()
    assert body["paging"]["links"] == [
        {"rel": "prev", "href": vendor_href.format(2), "type": "application/json"},
        {"rel": "next", "href": vendor_href.format(6), "type": "application/json"},
    ]
    assert all(set(element) == {"urn", "title", "details"} and set(element["details"]) == {"level"} for element in body["elements"])


@pytest.mark.parametrize("path", [
    f"{EN_US_COURSES}&count=101",
    "/v2/learningAssets?q=criteria&count=500",
    "/v2/learningClassifications?q=localeAndType&type=SKILL&sourceLocale.language=en&sourceLocale.country=US&count=101",
])
def test_count_above_100_is_rejected(session, path: str) -> None:
    answer = session.get(path)
    assert answer.status_code == 400
    body = answer.json()
    assert body["status"] == 400 and "count" in body["message"] and "100" in body["message"]


@pytest.mark.parametrize("path, named", [
    ("/v2/learningAssets?q=localeAndType&sourceLocale.language=en&sourceLocale.country=US", "assetType"),
    ("/v2/learningAssets?q=localeAndType&assetType=PODCAST&sourceLocale.language=en&sourceLocale.country=US", "assetType"),
    ("/v2/learningAssets?q=localeAndType&assetType=COURSE&sourceLocale.language=en", "sourceLocale.country"),
    ("/v2/learningAssets?q=criteria&assetFilteringCriteria.assetTypes=COURSE", "zero-based index"),
    ("/v2/learningAssets?q=search", "q="),
    (f"{EN_US_COURSES}&fields=urn,title:(value", "projection"),
])
def test_bad_parameters_get_400_naming_the_problem(session, path: str, named: str) -> None:
    answer = session.get(path)
    assert answer.status_code == 400
    assert named in answer.json()["message"]


# -- projections -------------------------------------------------------------------------------

def test_projections_of_every_documented_form(session, dataset) -> None:
    full = next(dataset.assets("COURSE", locale="en_US", include_retired=False))

    def first(fields: str) -> dict[str, Any]:
        return session.get(f"{EN_US_COURSES}&count=1&fields={quote(fields)}").json()["elements"][0]

    assert first("title") == {"title": full["title"]}
    assert first("title:(value)") == {"title": {"value": full["title"]["value"]}}
    assert first("contents:($*:(asset:(urn)))") == {"contents": [{"asset": {"urn": c["asset"]["urn"]}} for c in full["contents"]]}
    assert first("urn,type,contents:($*:(asset:(urn,type)))") == {
        "urn": full["urn"], "type": "COURSE",
        "contents": [{"asset": {"urn": c["asset"]["urn"], "type": "CHAPTER"}} for c in full["contents"]]}
    assert first("urn,details:(lastUpdatedAt,classifications:($*:(associatedClassification:(urn))))") == {
        "urn": full["urn"],
        "details": {"lastUpdatedAt": full["details"]["lastUpdatedAt"],
                    "classifications": [{"associatedClassification": {"urn": c["associatedClassification"]["urn"]}}
                                        for c in full["details"]["classifications"]]}}
    assert first("urn,noSuchField") == {"urn": full["urn"]}
    assert first("contents:(asset)") == {"contents": [{} for _ in full["contents"]]}


def test_single_asset_get_accepts_encoded_urns_and_projections(session, dataset) -> None:
    course = next(dataset.assets("COURSE", locale="fr_FR", include_retired=False))
    chapter_urn = course["contents"][0]["asset"]["urn"]
    assert session.get(f"/v2/learningAssets/{quote(course['urn'], safe='')}").json() == course
    assert session.get(f"/v2/learningAssets/{quote(chapter_urn, safe='')}?fields=urn,type").json() == {"urn": chapter_urn, "type": "CHAPTER"}
    assert session.get(f"/v2/learningAssets/{chapter_urn}?fields=urn").json() == {"urn": chapter_urn}
    missing = session.get("/v2/learningAssets/urn%3Ali%3AlyndaCourse%3A1")
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_expand_depth_controls_details_and_nesting(session, dataset) -> None:
    course = next(dataset.assets("COURSE", locale="en_US", include_retired=False))
    path = f"/v2/learningAssets/{quote(course['urn'], safe='')}?expandDepth="
    shallow, one, two, three = (session.get(path + str(depth)).json() for depth in range(4))
    assert set(shallow) == {"urn", "type", "title"}
    assert "details" in one and all(set(c["asset"]) == {"urn", "type", "title"} for c in one["contents"])
    chapters = [c["asset"] for c in two["contents"]]
    assert all("details" in chapter and chapter["contents"] for chapter in chapters)
    assert all(set(v["asset"]) == {"urn", "type", "title"} for chapter in chapters for v in chapter["contents"])
    videos = [v["asset"] for c in three["contents"] for v in c["asset"]["contents"]]
    assert all(v["type"] == "VIDEO" and "details" in v and "contents" not in v for v in videos)
    assert sum(v["details"]["timeToComplete"]["duration"] for v in videos) == course["details"]["timeToComplete"]["duration"]
    assert three == dataset.asset(course["urn"], expand_depth=3)


def test_learning_paths_contain_courses_of_their_locale(session, dataset) -> None:
    paths = session.get("/v2/learningAssets?q=localeAndType&assetType=LEARNING_PATH&sourceLocale.language=en"
                        "&sourceLocale.country=US&includeRetired=true&count=100").json()["elements"]
    assert paths == list(dataset.assets("LEARNING_PATH", locale="en_US"))
    for path in paths:
        assert path["contents"] and all(c["asset"]["type"] == "COURSE" for c in path["contents"])
        for content in path["contents"]:
            assert dataset.asset(content["asset"]["urn"])["title"]["locale"] == {"country": "US", "language": "en"}


# -- criteria quirks ---------------------------------------------------------------------------

def test_keyword_searches_stop_at_1000_records_unless_one_asset_type_is_given(fresh_sandbox) -> None:
    running = fresh_sandbox(scale="tiny", apps=[APP], linkedin_learning={"asset_count": 2500})
    data, session = running.app(APP).dataset, api(running.url)
    matching = [a["urn"] for kind in ("COURSE", "CHAPTER")
                for a in data.assets(kind, locale="en_US", include_retired=False) if "e" in a["title"]["value"].lower()]
    assert len(matching) > 1100
    two_types = "/v2/learningAssets?q=criteria&assetFilteringCriteria.keyword=E&assetFilteringCriteria.assetTypes[0]=COURSE&assetFilteringCriteria.assetTypes[1]=CHAPTER&count=100"
    last = session.get(f"{two_types}&start=900").json()
    assert urns(last["elements"]) == matching[900:1000]
    assert last["paging"]["total"] == len(matching)
    assert [link["rel"] for link in last["paging"]["links"]] == ["prev"]
    assert session.get(f"{two_types}&start=1000").json()["elements"] == []

    chapters = [urn for urn in matching if ":lyndaChapter:" in urn]
    assert len(chapters) > 1000
    one_type = "/v2/learningAssets?q=criteria&assetFilteringCriteria.keyword=e&assetFilteringCriteria.assetTypes[0]=CHAPTER&assetFilteringCriteria.licensedOnly=true&assetFilteringCriteria.locales[0].language=en&count=100"
    assert [urn for page in follow_next(session, one_type) for urn in urns(page["elements"])] == chapters


def test_last_modified_after_within_a_day_returns_only_changes_and_older_returns_everything(fresh_sandbox) -> None:
    running = fresh_sandbox(scale="tiny", apps=[APP])
    data, session = running.app(APP).dataset, api(running.url)
    touched = data.touch_assets(count=3) + data.touch_assets(count=2, locale="fr_FR")
    assert [data.asset(urn)["title"]["locale"]["language"] for urn in touched[3:]] == ["fr", "fr"]
    search = ("/v2/learningAssets?q=criteria&assetFilteringCriteria.assetTypes[0]=COURSE&assetFilteringCriteria.licensedOnly=true"
              "&assetRetrievalCriteria.includeRetired=true&count=100&assetFilteringCriteria.lastModifiedAfter={}")
    recent = session.get(search.format(now_ms() - 3_600_000)).json()
    assert sorted(urns(recent["elements"])) == sorted(touched)
    assert all(e["title"]["value"].endswith(" (updated 1)") and e["details"]["lastUpdatedAt"] > now_ms() - 3_600_000
               for e in recent["elements"])
    old = session.get(search.format(now_ms() - 3 * DAY_MS)).json()
    assert old["paging"]["total"] == data.scale.courses
    assert any(e["details"]["lastUpdatedAt"] < now_ms() - 3 * DAY_MS for e in old["elements"])


def test_retired_assets_only_with_include_retired(session, dataset) -> None:
    everything = list(dataset.assets("COURSE", locale="en_US", include_retired=True))
    active = [a for a in everything if a["details"]["availability"] == "AVAILABLE"]
    retired = [a for a in everything if a["details"]["availability"] == "RETIRED"]
    assert retired and all("retiredAt" in a["details"] for a in retired) and all("retiredAt" not in a["details"] for a in active)
    criteria = "/v2/learningAssets?q=criteria&assetFilteringCriteria.assetTypes[0]=COURSE&count=100"
    assert [u for p in follow_next(session, criteria) for u in urns(p["elements"])] == urns(active)
    assert [u for p in follow_next(session, criteria + "&assetRetrievalCriteria.includeRetired=true") for u in urns(p["elements"])] == urns(everything)
    assert session.get(f"{EN_US_COURSES}&count=100").json()["paging"]["total"] == len(active)
    encoded = quote(retired[0]["urn"], safe="")
    assert session.get(f"/v2/learningAssets/{encoded}").status_code == 404
    assert session.get(f"/v2/learningAssets/{encoded}?includeRetired=true").json() == retired[0]


def test_criteria_filters_on_level_and_classification(session, dataset) -> None:
    courses = list(dataset.assets("COURSE", locale="en_US", include_retired=False))
    library = dataset.classifications("LIBRARY", "en_US")[0]["urn"]
    tagged = [c["urn"] for c in courses if c["details"]["level"] == "BEGINNER" and any(
        library in [c["associatedClassification"]["urn"]] + [p["urn"] for p in c["path"]] for c in c["details"]["classifications"])]
    assert tagged
    search = ("/v2/learningAssets?q=criteria&assetFilteringCriteria.assetTypes[0]=COURSE&assetFilteringCriteria.difficultyLevels[0]=BEGINNER"
              f"&assetFilteringCriteria.classifications[0]={library}&count=100")
    assert [u for p in follow_next(session, search) for u in urns(p["elements"])] == tagged


# -- classifications ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["LIBRARY", "SUBJECT", "TOPIC", "SKILL"])
def test_classifications_by_locale_and_type_equal_the_dataset(session, dataset, kind: str) -> None:
    path = f"/v2/learningClassifications?q=localeAndType&type={kind}&sourceLocale.language=de&sourceLocale.country=DE&count=30"
    elements = [e for page in follow_next(session, path) for e in page["elements"]]
    assert elements == dataset.classifications(kind, "de_DE")
    assert all(e["type"] == kind and e["name"]["locale"] == {"country": "DE", "language": "de"} for e in elements)


def test_classification_keyword_finder_and_get_by_urn(session, dataset) -> None:
    expected = [e for e in dataset.classifications(locale="en_US") if "data" in e["name"]["value"].lower()]
    found = session.get("/v2/learningClassifications?q=keyword&keyword=DATA&targetLocale.language=en&targetLocale.country=US&count=100").json()
    assert found["elements"] == expected and found["paging"]["total"] == len(expected) > 0
    skill = dataset.classifications("SKILL", "fr_FR")[0]
    assert session.get(f"/v2/learningClassifications/{quote(skill['urn'], safe='')}?targetLocale.language=fr&targetLocale.country=FR").json() == skill
    missing_type = session.get("/v2/learningClassifications?q=localeAndType&sourceLocale.language=en&sourceLocale.country=US")
    assert missing_type.status_code == 400 and "'type'" in missing_type.json()["message"]


def test_asset_classifications_resolve_to_classification_urns(session, dataset) -> None:
    served = {e["urn"] for e in dataset.classifications(locale="en_US")}
    course = next(dataset.assets("COURSE", locale="en_US"))
    for tag in course["details"]["classifications"]:
        assert tag["associatedClassification"]["urn"] in served
        assert [p["type"] for p in tag["path"]] in (["LIBRARY", "SUBJECT"], [])


# -- activity reports --------------------------------------------------------------------------

def report_path(started_at: int, days: int, primary: str, secondary: Optional[str] = None, count: int = 100, **extra: str) -> str:
    path = (f"/v2/learningActivityReports?q=criteria&startedAt={started_at}&timeOffset.unit=DAY&timeOffset.duration={days}"
            f"&aggregationCriteria.primary={primary}&count={count}")
    if secondary:
        path += f"&aggregationCriteria.secondary={secondary}"
    return path + "".join(f"&{key}={value}" for key, value in extra.items())


def seconds_viewed(elements: list[dict[str, Any]]) -> int:
    return sum(a["engagementValue"] for e in elements for a in e["activities"] if a["engagementType"] == "SECONDS_VIEWED")


def test_activity_reports_page_through_the_dataset_and_aggregate_consistently(session, dataset) -> None:
    started_at = dataset.anchor_day_ms - 20 * DAY_MS
    individual = [e for p in follow_next(session, report_path(started_at, 14, "INDIVIDUAL", "CONTENT", count=25)) for e in p["elements"]]
    assert individual == dataset.activity_report(started_at, 14, "INDIVIDUAL", "CONTENT")
    assert len(individual) > 25
    account = session.get(report_path(started_at, 14, "ACCOUNT")).json()["elements"]
    assert len(account) == 1 and account[0]["learnerDetails"] == {"entity": {"accountUrn": "urn:li:enterpriseAccount:999"}}
    assert all("assetType" not in a for a in account[0]["activities"] if a["engagementMetricQualifier"] == "UNIQUE")
    by_content = [e for p in follow_next(session, report_path(started_at, 14, "CONTENT")) for e in p["elements"]]
    by_group = session.get(report_path(started_at, 14, "GROUP")).json()["elements"]
    assert seconds_viewed(individual) == seconds_viewed(account) == seconds_viewed(by_content) == seconds_viewed(by_group) > 0
    first = individual[0]
    assert set(first["learnerDetails"]) == {"name", "email", "uniqueUserId", "enterpriseGroups", "entity"}
    assert set(first["contentDetails"]) == {"name", "contentProviderName", "contentUrn", "locale"}


def test_activity_reports_filter_by_content_source_and_asset_type(session, dataset) -> None:
    started_at = dataset.anchor_day_ms - 30 * DAY_MS
    for source in ("ORGANIZATION", "LINKEDIN_LEARNING", "THIRD_PARTY"):
        served = session.get(report_path(started_at, 14, "CONTENT", contentSource=source)).json()["elements"]
        assert served == dataset.activity_report(started_at, 14, "CONTENT", content_source=source)
    courses_only = session.get(report_path(started_at, 14, "INDIVIDUAL", "CONTENT", assetType="COURSE")).json()["elements"]
    assert courses_only and {a["assetType"] for e in courses_only for a in e["activities"]} == {"COURSE"}


@pytest.mark.parametrize("unit, duration, named", [("DAY", 15, "14 days"), ("WEEK", 3, "14 days"), ("MONTH", 1, "MONTH"), ("DAY", 0, "timeOffset.duration")])
def test_activity_report_windows_are_limited(session, unit: str, duration: int, named: str) -> None:
    answer = session.get(f"/v2/learningActivityReports?q=criteria&startedAt=0&timeOffset.unit={unit}&timeOffset.duration={duration}"
                         "&aggregationCriteria.primary=ACCOUNT")
    assert answer.status_code == 400 and named in answer.json()["message"]


@pytest.mark.parametrize("path", [
    "/v2/learningActivityReports?q=criteria&startedAt=0&timeOffset.unit=WEEK&timeOffset.duration=2",
    "/v2/learningActivityReports?q=criteria&timeOffset.unit=DAY&timeOffset.duration=1&aggregationCriteria.primary=ACCOUNT",
    "/v2/learningActivityReports?q=criteria&startedAt=0&timeOffset.unit=DAY&timeOffset.duration=1&aggregationCriteria.primary=ACCOUNT&count=101",
    "/v2/learningActivityReports?q=criteria&startedAt=0&timeOffset.unit=DAY&timeOffset.duration=1&aggregationCriteria.primary=ACCOUNT&contentSource=INTERNAL",
])
def test_activity_report_parameters_are_validated(session, path: str) -> None:
    assert session.get(path).status_code == 400


def test_data_arrives_late_and_late_activity_appears_in_past_windows(fresh_sandbox) -> None:
    running = fresh_sandbox(scale="tiny", apps=[APP])
    data, session = running.app(APP).dataset, api(running.url)
    assert data.latest_data_at < now_ms()
    after_latest = data.latest_data_at - data.latest_data_at % DAY_MS
    assert session.get(report_path(after_latest, 3, "INDIVIDUAL", "CONTENT")).json()["elements"] == []
    past_day = after_latest - 5 * DAY_MS
    before = seconds_viewed(session.get(report_path(past_day, 1, "ACCOUNT")).json()["elements"])
    data.add_late_activity(past_day + 3_600_000, learner=1, seconds_viewed=777)
    after = session.get(report_path(past_day, 1, "ACCOUNT")).json()["elements"]
    assert seconds_viewed(after) == before + 777
    assert all(e["latestDataAt"] == data.latest_data_at for e in after)


# -- rate limits and faults --------------------------------------------------------------------

def test_daily_quota_answers_the_documented_429(fresh_sandbox) -> None:
    running = fresh_sandbox(scale="tiny", apps=[APP], linkedin_learning={"daily_quota": 3})
    session = api(running.url)
    assert [session.get(f"{EN_US_COURSES}&count=1").status_code for _ in range(3)] == [200, 200, 200]
    for path in (EN_US_COURSES, "/v2/learningClassifications?q=keyword&keyword=x"):
        refused = session.get(path)
        assert refused.status_code == 429 and refused.json() == DAILY_QUOTA_BODY
        assert "Retry-After" not in refused.headers


def test_injected_bursts_and_server_errors_use_the_short_term_shapes(fresh_sandbox) -> None:
    running = fresh_sandbox(scale="tiny", apps=[APP])
    session = api(running.url)
    running.set_faults(throttle_every=1, throttle_burst=1, throttle_retry_after=2)
    burst = session.get(EN_US_COURSES)
    assert (burst.status_code, burst.json(), burst.headers["Retry-After"]) == (429, {"status": 429, "message": "Too many requests"}, "2")
    running.set_faults(throttle_every=1, throttle_burst=1)
    assert "Retry-After" not in session.get(EN_US_COURSES).headers
    running.set_faults(server_error_rate=1.0)
    failed = session.get(EN_US_COURSES)
    assert failed.status_code in (500, 502, 503) and set(failed.json()) == {"status", "serviceErrorCode", "message"}


# -- determinism and scale ---------------------------------------------------------------------

def test_same_seed_and_clock_give_the_same_data_and_another_seed_differs() -> None:
    clock = 1_790_000_000_000
    first, again, other = (LinkedInLearningDataset("tiny", seed, now_ms=clock) for seed in (7, 7, 8))
    assert list(first.assets(expand_depth=3)) == list(again.assets(expand_depth=3))
    assert first.classifications() == again.classifications()
    window = (clock - 20 * DAY_MS, 14, "INDIVIDUAL", "CONTENT")
    assert first.activity_report(*window) == again.activity_report(*window) != []
    assert [a["title"] for a in first.assets("COURSE")] != [a["title"] for a in other.assets("COURSE")]
    assert first.activity_report(*window) != other.activity_report(*window)


def test_a_million_course_catalog_serves_deep_pages_without_building_it(fresh_sandbox) -> None:
    started = time.perf_counter()
    running = fresh_sandbox(scale="bench", apps=[APP], linkedin_learning={"asset_count": 1_000_000})
    session = api(running.url)
    data = running.app(APP).dataset
    total = data.asset_count_of("COURSE", "en_US", include_retired=True)
    assert total > 600_000
    deep = session.get(f"{EN_US_COURSES}&includeRetired=true&count=100&start={total - 50}").json()
    assert deep["paging"]["total"] == total and len(deep["elements"]) == 50
    assert [link["rel"] for link in deep["paging"]["links"]] == ["prev"]
    assert deep["elements"][-1] == data.asset(deep["elements"][-1]["urn"])
    assert time.perf_counter() - started < 10
