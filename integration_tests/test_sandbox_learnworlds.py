"""Conformance of the LearnWorlds API v2 emulator with the API's documents, over real HTTP.

Every expectation comes from `shared/reference/learnworlds-api.md` and the vendor OpenAPI; the
expected records come from the emulator's dataset, never from the responses themselves.
"""
from __future__ import annotations

import json
import math
import time
from collections import deque
from typing import Any, Iterator, Optional

import pytest
import requests

from sandbox import LEARNWORLDS_CLIENT_ID, LEARNWORLDS_CLIENT_SECRET, LEARNWORLDS_STATIC_TOKEN, Sandbox, make_sandbox
from sandbox.learnworlds import LearnWorldsApp, LearnWorldsDataset

TOKEN_BODY = {"client_id": LEARNWORLDS_CLIENT_ID, "client_secret": LEARNWORLDS_CLIENT_SECRET, "grant_type": "client_credentials"}
MISSING_CLIENT = {"errors": [{"code": 400, "context": "client_id", "message": "Missing client_id or client cannot be found."}], "success": False}
NOT_FOUND = {"error": "Sorry the resource your trying to access does not exist."}
TOO_MANY = {"error": "Too many requests"}


class SchoolReader:
    """A plain client of the emulated school: paces itself to `requests_per_window` when asked, and
    pages every list the documented way (stop at `meta.totalPages`; bare arrays stop on a short or a
    repeated page)."""

    def __init__(self, base_url: str, token: str = LEARNWORLDS_STATIC_TOKEN,
                 requests_per_window: Optional[tuple[int, float]] = None) -> None:
        self.api = f"{base_url}/admin/api/v2"
        self.session = requests.Session()
        self.session.headers.update({"Lw-Client": LEARNWORLDS_CLIENT_ID, "Authorization": f"Bearer {token}"})
        self.pace = requests_per_window
        self._sent: deque[float] = deque()
        self.requests = 0

    def get(self, path: str, **params: Any) -> Any:
        if self.pace:
            limit, window = self.pace
            if len(self._sent) >= limit:
                time.sleep(max(0.0, self._sent.popleft() + window - time.monotonic()))
        self.requests += 1
        response = self.session.get(self.api + path, params=params)
        if self.pace:
            self._sent.append(time.monotonic())  # the answer's arrival: the server counted the request before it
        assert response.status_code == 200, (path, params, response.status_code, response.text)
        return response.json()

    def pages(self, path: str, **params: Any) -> list:
        records, page = [], 1
        while True:
            body = self.get(path, page=page, **params)
            records.extend(body["data"])
            if body["meta"]["page"] >= body["meta"]["totalPages"]:
                return records
            page += 1

    def bare_pages(self, path: str) -> list:
        records, page, previous = [], 1, None
        while True:
            batch = self.get(path, page=page)
            if batch == previous:
                return records
            records.extend(batch)
            if len(batch) < 20:
                return records
            previous, page = batch, page + 1

    def read_everything(self) -> dict[str, list]:
        """Every GET list endpoint of the reference, with its per-course / per-user fan-out."""
        out: dict[str, list] = {}
        out["courses"] = self.pages("/courses")
        for name in ("course_contents", "course_analytics", "unit_analytics", "course_users", "course_grades",
                     "certificates", "assessment_responses", "enrollments", "user_progress", "user_products",
                     "user_seats", "user_user_groups", "segment_users", "users_by_product", "coupons", "coupon_usage",
                     "affiliate_leads", "affiliate_customers", "affiliate_payments", "affiliate_payouts_upcoming",
                     "affiliate_payouts_due", "affiliate_payouts_completed", "seat_users", "group_users", "space_users"):
            out[name] = []
        for course in out["courses"]:
            contents = self.get(f"/courses/{course['id']}/contents")
            out["course_contents"].append(contents)
            out["course_analytics"].append(self.get(f"/courses/{course['id']}/analytics"))
            for section in contents["sections"]:
                for unit in section["learningUnits"]:
                    out["unit_analytics"].append(self.get(f"/courses/{course['id']}/units/{unit['id']}/analytics"))
                    if unit["type"] == "assessmentV2":
                        out["assessment_responses"] += self.pages(f"/assessments/{unit['id']}/responses", items_per_page=200)
            out["course_users"] += self.pages(f"/courses/{course['id']}/users", items_per_page=200)
            out["course_grades"] += self.pages(f"/courses/{course['id']}/grades", items_per_page=200)
            out["certificates"] += self.pages("/certificates", course_id=course["id"])
            out["users_by_product"] += self.pages("/users/by-product", product_id=course["id"], product_type="course")
        out["users"] = self.pages("/users", items_per_page=200, include_suspended="true")
        for user in out["users"]:
            out["enrollments"] += self.pages(f"/users/{user['id']}/courses")
            out["user_progress"] += self.pages(f"/users/{user['id']}/progress", items_per_page=200)
            out["user_products"] += self.get(f"/users/{user['id']}/products")["data"]
            out["user_seats"] += self.get(f"/users/{user['id']}/seats") or []
            out["user_user_groups"] += self.get(f"/users/{user['id']}/user-groups")
        out["segments"] = self.get("/users/segments")["data"]
        for segment in out["segments"]:
            out["segment_users"] += self.pages("/users/by-segment", segment_id=segment["segmentId"])
        out["bundles"] = self.pages("/bundles")
        out["subscription_plans"] = self.pages("/subscription-plans")
        out["user_subscriptions"] = self.pages("/user-subscriptions")
        out["active_installments"] = self.pages("/installments/active")
        out["payments"] = self.pages("/payments", items_per_page=200)
        out["school_events"] = self.get("/school/events")["data"]
        out["leads"] = self.pages("/leads")
        out["promotions"] = self.pages("/promotions")
        for promotion in out["promotions"]:
            coupons = self.get(f"/promotions/{promotion['id']}/coupons")["data"]
            out["coupons"] += coupons
            for coupon in coupons:
                out["coupon_usage"] += self._usage_pages(promotion["id"], coupon["code"])
        out["affiliates"] = self.pages("/affiliates")
        for affiliate in out["affiliates"]:
            for kind in ("leads", "customers", "payments"):
                out[f"affiliate_{kind}"] += self.pages(f"/affiliates/{affiliate['id']}/{kind}")
            for kind in ("upcoming", "due"):
                out[f"affiliate_payouts_{kind}"] += self.get(f"/affiliates/{affiliate['id']}/payouts/{kind}")["data"]
            out["affiliate_payouts_completed"] += self.pages(f"/affiliates/{affiliate['id']}/payouts/completed")
        out["event_logs"] = self.pages("/event-logs", sort="asc")
        out["seats"] = self.pages("/seats")
        for seat in out["seats"]:
            out["seat_users"] += self.bare_pages(f"/seats/{seat['id']}/users")
        out["user_groups"] = self.pages("/user_groups")
        for group in out["user_groups"]:
            out["group_users"] += self.bare_pages(f"/user_groups/{group['id']}/users")
        out["user_roles"] = self.get("/user-roles")["data"]
        out["community_collections"] = self.get("/community/collections")["data"]
        out["community_spaces"] = self.pages("/community/spaces", items_per_page=200)
        for space in out["community_spaces"]:
            out["space_users"] += self.pages(f"/community/spaces/{space['id']}/users", items_per_page=200)
        out["community_posts"] = self.pages("/community/posts", items_per_page=200)
        return out

    def _usage_pages(self, promotion_id: str, code: str) -> list:
        payments, page = [], 1
        while True:
            body = self.get(f"/promotions/{promotion_id}/coupons/{code}/usage", page=page)
            payments.extend(body["payments"])
            if body["meta"]["page"] >= body["meta"]["totalPages"]:
                return payments
            page += 1


# -- fixtures -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def school() -> Iterator[Sandbox]:
    """The small school without the rate limit (the limit has its own tests below)."""
    with make_sandbox(scale="small", apps=["learnworlds"], learnworlds={"rate_limit": None}) as running:
        yield running


@pytest.fixture(scope="module")
def dataset(school: Sandbox) -> LearnWorldsDataset:
    return school.app("learnworlds").dataset


@pytest.fixture(scope="module")
def reader(school: Sandbox) -> SchoolReader:
    return SchoolReader(school.url)


def api_get(sandbox: Sandbox, path: str, token: str = LEARNWORLDS_STATIC_TOKEN, client: Optional[str] = LEARNWORLDS_CLIENT_ID,
            **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if client is not None:
        headers["Lw-Client"] = client
    return requests.get(f"{sandbox.url}/admin/api/v2{path}", headers=headers, params=params)


def mint(sandbox: Sandbox, client: Optional[str] = LEARNWORLDS_CLIENT_ID, **kwargs: Any) -> requests.Response:
    headers = {"Lw-Client": client} if client is not None else {}
    return requests.post(f"{sandbox.url}/admin/api/oauth2/access_token", headers=headers, **kwargs)


# -- token endpoint and auth ----------------------------------------------------------------------------
def test_token_minted_from_a_json_body_works_on_the_api(school: Sandbox) -> None:
    minted = mint(school, json=TOKEN_BODY)
    assert minted.status_code == 200
    body = minted.json()
    assert body["errors"] == [] and body["success"] is True
    assert body["tokenData"]["token_type"] == "Bearer" and body["tokenData"]["expires_in"] == 8000
    assert api_get(school, "/courses", token=body["tokenData"]["access_token"]).status_code == 200


def test_token_minted_from_a_form_data_field_ignores_other_fields(school: Sandbox) -> None:
    minted = mint(school, data={"data": json.dumps(TOKEN_BODY), "redirect": "ignored"})
    assert minted.status_code == 200
    assert api_get(school, "/courses", token=minted.json()["tokenData"]["access_token"]).status_code == 200


@pytest.mark.parametrize("body", [
    {**TOKEN_BODY, "client_secret": "wrong"},
    {**TOKEN_BODY, "client_id": "someone-else"},
])
def test_token_refused_for_bad_credentials_with_shape_a(school: Sandbox, body: dict) -> None:
    refused = mint(school, json=body)
    assert refused.status_code == 401
    assert refused.json() == {"errors": [{"code": "401", "context": "invalid_client", "message": "Client authentication failed"}],
                              "success": False}


def test_token_endpoint_wants_the_client_credentials_grant_and_the_lw_client_header(school: Sandbox) -> None:
    wrong_grant = mint(school, json={**TOKEN_BODY, "grant_type": "password"})
    assert wrong_grant.status_code == 400 and wrong_grant.json()["errors"][0]["context"] == "unsupported_grant_type"
    no_header = mint(school, client=None, json=TOKEN_BODY)
    assert no_header.status_code == 400 and no_header.json() == MISSING_CLIENT
    malformed = mint(school, data={"data": "{not json"})
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["context"] == "invalid_request"


def test_minting_rejection_and_revocation_switches(fresh_sandbox) -> None:
    sandbox = fresh_sandbox(apps=["learnworlds"], learnworlds={"rate_limit": None})
    token = mint(sandbox, json=TOKEN_BODY).json()["tokenData"]["access_token"]
    sandbox.set_faults(reject_token_minting=True)
    assert mint(sandbox, json=TOKEN_BODY).status_code == 401
    sandbox.app("learnworlds").revoke_tokens()
    for revoked in (token, LEARNWORLDS_STATIC_TOKEN):
        refused = api_get(sandbox, "/courses", token=revoked)
        assert refused.status_code == 401 and refused.json()["success"] is False
    sandbox.set_faults()
    fresh = mint(sandbox, json=TOKEN_BODY).json()["tokenData"]["access_token"]
    assert api_get(sandbox, "/courses", token=fresh).status_code == 200


def test_token_lifetime_is_an_option_and_expired_tokens_are_refused(fresh_sandbox) -> None:
    sandbox = fresh_sandbox(apps=["learnworlds"], learnworlds={"rate_limit": None, "token_lifetime_seconds": 0})
    minted = mint(sandbox, json=TOKEN_BODY).json()["tokenData"]
    assert minted["expires_in"] == 0
    assert api_get(sandbox, "/courses", token=minted["access_token"]).status_code == 401


def test_missing_or_unknown_lw_client_is_a_400_with_an_integer_code(school: Sandbox) -> None:
    for client in (None, "another-school"):
        refused = api_get(school, "/courses", client=client)
        assert refused.status_code == 400 and refused.json() == MISSING_CLIENT


def test_missing_or_unknown_bearer_token_is_a_401_shape_a(school: Sandbox) -> None:
    for token in ("", "not-a-token"):
        refused = api_get(school, "/courses", token=token)
        assert refused.status_code == 401
        assert refused.json() == {"errors": [{"code": "401", "context": "access_denied",
                                              "message": "The resource owner or authorization server denied the request."}],
                                  "success": False}


# -- pagination -------------------------------------------------------------------------------------------
def fixed_size_endpoints(dataset: LearnWorldsDataset) -> list[tuple[str, dict, list, int]]:
    """(path, params, expected records in served order, documented page size) of every fixed-size list."""
    first_course = dataset.courses[-1]["id"]
    user = dataset.users[0]["id"]
    affiliate = max(dataset.affiliates, key=lambda a: (len(dataset.affiliate_payouts_completed[a["id"]]),
                                                        len(dataset.affiliate_payments(a["id"]))))["id"]
    promotion = next(p for p in dataset.promotions if any(c["times_used"] for c in p["coupons"]))
    coupon = next(c["code"] for c in promotion["coupons"] if c["times_used"])
    return [
        ("/courses", {}, dataset.courses, 50),
        ("/bundles", {}, dataset.bundles, 20),
        ("/subscription-plans", {}, dataset.subscription_plans, 50),
        ("/user-subscriptions", {}, dataset.user_subscriptions, 20),
        ("/installments/active", {}, dataset.active_installments, 50),
        ("/users/by-product", {"product_id": first_course, "product_type": "course"}, dataset.course_users[first_course], 20),
        ("/users/by-segment", {"segment_id": dataset.segments[0]["segmentId"]}, dataset.segment_users[dataset.segments[0]["segmentId"]], 20),
        (f"/users/{user}/courses", {}, dataset.enrollments[user], 50),
        ("/leads", {}, dataset.leads, 20),
        ("/promotions", {}, dataset.promotions, 20),
        ("/affiliates", {}, dataset.affiliates, 20),
        (f"/affiliates/{affiliate}/leads", {}, dataset.affiliate_leads[affiliate], 20),
        (f"/affiliates/{affiliate}/customers", {}, dataset.affiliate_customers[affiliate], 20),
        (f"/affiliates/{affiliate}/payments", {}, dataset.affiliate_payments(affiliate), 50),
        (f"/affiliates/{affiliate}/payouts/completed", {}, dataset.affiliate_payouts_completed[affiliate], 20),
        ("/certificates", {"course_id": first_course}, dataset.certificates_for(course_id=first_course), 20),
        ("/event-logs", {}, dataset.event_logs[::-1], 50),
        ("/seats", {}, dataset.seats, 20),
        ("/user_groups", {}, dataset.user_groups, 20),
        (f"/promotions/{promotion['id']}/coupons/{coupon}/usage", {}, dataset.coupon_usage(promotion["id"], coupon)["payments"], 50),
    ]


def resizable_endpoints(dataset: LearnWorldsDataset) -> list[tuple[str, dict, list, int]]:
    """(path, params, expected records, default page size) of the endpoints that take `items_per_page`."""
    first_course = dataset.courses[-1]["id"]
    busiest_user = max(dataset.users, key=lambda u: len(dataset.user_progress[u["id"]]))["id"]
    assessment = max(dataset.assessment_responses, key=lambda unit: len(dataset.assessment_responses[unit]))
    form = next(iter(dataset.form_responses))
    space = dataset.community_spaces[0]["id"]
    return [
        ("/users", {}, dataset.listed_users(), 20),
        (f"/courses/{first_course}/users", {}, dataset.course_users[first_course], 20),
        ("/payments", {}, dataset.payments, 50),
        (f"/users/{busiest_user}/progress", {}, dataset.user_progress[busiest_user], 20),
        (f"/courses/{first_course}/grades", {}, dataset.course_grades[first_course], 20),
        (f"/assessments/{assessment}/responses", {}, dataset.assessment_responses[assessment], 20),
        (f"/forms/{form}/responses", {}, dataset.form_responses[form], 20),
        ("/community/spaces", {}, dataset.community_spaces, 20),
        (f"/community/spaces/{space}/users", {}, dataset.space_users[space], 10),
        ("/community/posts", {}, dataset.community_posts, 10),
    ]


def page_records(body: dict) -> list:
    return body["payments"] if "usage" in body else body["data"]


def test_fixed_page_sizes_ignore_items_per_page(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    for path, params, expected, size in fixed_size_endpoints(dataset):
        assert expected, f"{path} has no data at the small scale"
        body = api_get(school, path, items_per_page=2, **params).json()
        assert body["meta"] == {"page": 1, "totalItems": len(expected), "totalPages": math.ceil(len(expected) / size),
                                "itemsPerPage": size}, path
        assert page_records(body) == expected[:size], path


def test_items_per_page_where_accepted(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    for path, params, expected, default_size in resizable_endpoints(dataset):
        assert len(expected) >= 3, f"{path} needs three records to page through"
        default = api_get(school, path, **params).json()
        assert default["meta"]["itemsPerPage"] == default_size and default["data"] == expected[:default_size], path
        second = api_get(school, path, items_per_page=2, page=2, **params).json()
        assert second["meta"] == {"page": 2, "totalItems": len(expected), "totalPages": math.ceil(len(expected) / 2),
                                  "itemsPerPage": 2}, path
        assert second["data"] == expected[2:4], path


@pytest.mark.parametrize("value", ["0", "201", "many"])
def test_items_per_page_out_of_range_is_a_422(school: Sandbox, value: str) -> None:
    refused = api_get(school, "/payments", items_per_page=value)
    assert refused.status_code == 422 and "items_per_page" in refused.json()["error"]


def test_a_page_past_the_end_repeats_the_last_page(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    expected = dataset.event_logs[::-1]
    last = math.ceil(len(expected) / 50)
    assert last >= 3
    beyond = api_get(school, "/event-logs", page=last + 5).json()
    assert beyond["data"] == expected[(last - 1) * 50:] and beyond["meta"]["page"] == last
    leads_beyond = api_get(school, "/leads", page=99).json()
    assert leads_beyond["data"] == dataset.leads[20:40] and leads_beyond["meta"]["totalPages"] == 2


def test_three_endpoints_return_no_results_past_the_end(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    user = dataset.users[0]["id"]
    segment = dataset.segments[0]["segmentId"]
    for path, params in ((f"/users/{user}/progress", {}), ("/installments/active", {}), ("/users/by-segment", {"segment_id": segment})):
        body = api_get(school, path, page=50, **params).json()
        assert body["data"] == [] and body["meta"]["page"] == 50 and body["meta"]["totalItems"] > 0, path


def test_bare_array_members_page_by_twenty_and_repeat_the_last_page(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    seat = next(seat_id for seat_id, users in dataset.seat_users.items() if len(users) > 20)
    members = dataset.seat_users[seat]
    assert api_get(school, f"/seats/{seat}/users").json() == members[:20]
    assert api_get(school, f"/seats/{seat}/users", page=2).json() == members[20:40]
    assert api_get(school, f"/seats/{seat}/users", page=3).json() == members[20:40]
    group = next(group_id for group_id, users in dataset.group_users.items() if len(users) == 20)
    first = api_get(school, f"/user_groups/{group}/users").json()
    assert first == dataset.group_users[group] and api_get(school, f"/user_groups/{group}/users", page=2).json() == first


def test_unpaginated_endpoints_carry_no_meta(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    user = next(u["id"] for u in dataset.users if dataset.user_user_groups[u["id"]])
    promotion = dataset.promotions[0]["id"]
    affiliate = dataset.affiliates[0]["id"]
    for path, expected in (("/school/events", dataset.school_events), ("/users/segments", dataset.segments),
                           (f"/users/{user}/products", dataset.user_products[user]),
                           (f"/promotions/{promotion}/coupons", dataset.promotions[0]["coupons"]),
                           ("/user-roles", dataset.user_roles), ("/community/collections", dataset.community_collections),
                           (f"/affiliates/{affiliate}/payouts/upcoming", dataset.affiliate_payouts_upcoming[affiliate]),
                           (f"/affiliates/{affiliate}/payouts/due", dataset.affiliate_payouts_due[affiliate])):
        assert api_get(school, path).json() == {"data": expected}, path
    assert api_get(school, f"/users/{user}/user-groups").json() == dataset.user_user_groups[user]
    seatless = next(u["id"] for u in dataset.users if dataset.user_seats[u["id"]] is None)
    seated = next(u["id"] for u in dataset.users if dataset.user_seats[u["id"]])
    assert api_get(school, f"/users/{seatless}/seats").json() is None
    assert api_get(school, f"/users/{seated}/seats").json() == dataset.user_seats[seated]


# -- filters and validation ----------------------------------------------------------------------------------
def test_payments_created_after_and_user_filters(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    cut = sorted(payment["created"] for payment in dataset.payments)[len(dataset.payments) // 2]
    body = api_get(school, "/payments", created_after=cut, items_per_page=200).json()
    assert body["data"] == [p for p in dataset.payments if p["created"] > cut] and body["data"]
    payer = dataset.find_user(dataset.payments[0]["user_id"])
    by_email = api_get(school, "/payments", user_id=payer["email"], items_per_page=200).json()["data"]
    assert by_email == [p for p in dataset.payments if p["user_id"] == payer["id"]]


def test_event_logs_sort_ascending_with_created_after(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    cut = dataset.event_logs[len(dataset.event_logs) // 3]["created"]
    expected = [log for log in dataset.event_logs if log["created"] > cut]
    assert SchoolReader(school.url).pages("/event-logs", sort="asc", created_after=cut) == expected
    descending = api_get(school, "/event-logs", created_after=cut).json()["data"]
    assert descending == expected[::-1][:50]


def test_users_registration_after_and_suspended_users(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    cut = dataset.users[len(dataset.users) // 2]["created"]
    body = api_get(school, "/users", registration_after=cut, items_per_page=200, include_suspended="true").json()
    assert body["data"] == [u for u in dataset.users if u["created"] > cut] and body["data"]
    suspended = [u for u in dataset.users if u["is_suspended"]]
    assert suspended, "the small school has suspended users"
    listed = api_get(school, "/users", items_per_page=200).json()["data"]
    assert listed == dataset.listed_users() and not any(u["is_suspended"] for u in listed)
    for value in ("false", "flase"):
        assert api_get(school, "/users", items_per_page=200, include_suspended=value).json()["data"] == listed
    assert api_get(school, f"/users/{suspended[0]['id']}").status_code == 404
    assert api_get(school, f"/users/{suspended[0]['email']}", include_suspended="true").json() == suspended[0]
    encoded_email = dataset.users[0]["email"].replace("@", "%40")
    assert api_get(school, f"/users/{encoded_email}/courses").json()["data"] == dataset.enrollments[dataset.users[0]["id"]]


def test_course_grades_sort_and_order(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    course = dataset.courses[-1]["id"]
    body = api_get(school, f"/courses/{course}/grades", sort="submittedTimestamp", order="asc", items_per_page=200).json()
    assert body["data"] == sorted(dataset.course_grades[course], key=lambda grade: grade["submittedTimestamp"])


def test_certificates_need_a_course_id_or_a_user_id(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    refused = api_get(school, "/certificates")
    assert refused.status_code == 422
    assert refused.json() == {"error": "You need to provide at least one of the query parameters: 'course_id', 'user_id'"}
    holder = dataset.certificates[0]["user"]
    by_user = api_get(school, "/certificates", user_id=holder["email"]).json()["data"]
    assert by_user == dataset.certificates_for(user_id=holder["id"]) and by_user


@pytest.mark.parametrize("path, params", [
    ("/payments", {"product_type": "ebook"}),
    ("/payments", {"created_after": "yesterday"}),
    ("/event-logs", {"sort": "sideways"}),
    ("/event-logs", {"activity": "dance"}),
    ("/users", {"status": "sleepy"}),
    ("/users/by-product", {"product_id": "x"}),
    ("/users/by-segment", {}),
])
def test_bad_filter_values_are_a_422_shape_b(school: Sandbox, path: str, params: dict) -> None:
    refused = api_get(school, path, **params)
    assert refused.status_code == 422 and set(refused.json()) == {"error"}


def test_product_type_error_is_the_vendor_message(school: Sandbox) -> None:
    refused = api_get(school, "/payments", product_type="ebook")
    assert refused.json() == {"error": "You need to provide a valid product_type query parameters value: 'course', 'bundle', 'subscription'"}


@pytest.mark.parametrize("path", ["/courses/no-such-course", "/courses/no-such-course/contents", "/users/nobody@example.com",
                                  "/assessments/000000000000000000000000/responses", "/seats/nope/users", "/v3"])
def test_unknown_ids_are_a_404_shape_b(school: Sandbox, path: str) -> None:
    refused = api_get(school, path)
    assert refused.status_code == 404 and refused.json() == NOT_FOUND


# -- data ----------------------------------------------------------------------------------------------------
def test_reading_every_endpoint_returns_the_dataset(reader: SchoolReader, dataset: LearnWorldsDataset) -> None:
    everything = reader.read_everything()
    empty = sorted(name for name, records in everything.items() if not records)
    assert not empty, f"streams without records at the small scale: {empty}"
    assert everything["courses"] == dataset.courses
    assert everything["users"] == dataset.users
    assert everything["payments"] == dataset.payments
    assert everything["event_logs"] == dataset.event_logs
    assert everything["certificates"] == [c for course in dataset.courses for c in dataset.certificates_for(course_id=course["id"])]
    assert sorted(r["id"] for r in everything["assessment_responses"]) == sorted(
        r["id"] for responses in dataset.assessment_responses.values() for r in responses)
    assert everything["seat_users"] == [u for seat in dataset.seats for u in dataset.seat_users[seat["id"]]]
    assert everything["group_users"] == [u for group in dataset.user_groups for u in dataset.group_users[group["id"]]]


def test_relationships_are_consistent(dataset: LearnWorldsDataset) -> None:
    users = {user["id"] for user in dataset.users}
    courses = {course["id"] for course in dataset.courses}
    products = courses | {b["id"] for b in dataset.bundles} | {p["id"] for p in dataset.subscription_plans}
    assert all(record["course"]["id"] in courses for records in dataset.enrollments.values() for record in records)
    assert all({p["course_id"] for p in dataset.user_progress[u]} == {r["course"]["id"] for r in dataset.enrollments[u]} for u in users)
    assert all(p["user_id"] in users and p["product"]["id"] in products for p in dataset.payments)
    assert all(c["user"]["id"] in users and c["course_id"] in courses for c in dataset.certificates)
    assert all(log["user"]["id"] in users for log in dataset.event_logs)
    units = set(dataset.assessment_unit_ids())
    assert units == set(dataset.assessment_responses) and any(dataset.assessment_responses.values())
    assert all(g["learningUnit"]["id"] in units for grades in dataset.course_grades.values() for g in grades)


def test_whole_floats_are_served_as_integers(school: Sandbox, dataset: LearnWorldsDataset) -> None:
    raw = api_get(school, "/users", items_per_page=200, include_suspended="true").text
    created = [user["created"] for user in json.loads(raw)["data"]]
    assert any(isinstance(value, int) for value in created) and any(isinstance(value, float) for value in created)
    assert all(not (isinstance(value, float) and value.is_integer()) for value in created)
    whole = next(user for user in dataset.users if isinstance(user["created"], int))
    assert f'"created":{whole["created"]},' in raw


def test_data_is_deterministic_per_seed() -> None:
    first, again, other = LearnWorldsDataset("small", 7), LearnWorldsDataset("small", 7), LearnWorldsDataset("small", 8)
    for name in ("users", "courses", "payments", "event_logs", "certificates", "community_posts"):
        assert getattr(first, name) == getattr(again, name), name
    assert first.users != other.users


def test_bench_scale_takes_a_user_count() -> None:
    assert len(LearnWorldsDataset("bench", 7, user_count=40).users) == 40


def test_mutations_show_up_in_incremental_reads(fresh_sandbox) -> None:
    sandbox = fresh_sandbox(apps=["learnworlds"], learnworlds={"rate_limit": None})
    dataset = sandbox.app("learnworlds").dataset
    newest = max(p["created"] for p in dataset.payments)
    added = dataset.add_payments(3)
    assert api_get(sandbox, "/payments", created_after=newest).json()["data"] == sorted(added, key=lambda p: p["created"], reverse=True)
    logs_before = max(log["created"] for log in dataset.event_logs)
    new_logs = dataset.add_event_logs(2)
    assert api_get(sandbox, "/event-logs", created_after=logs_before, activity="login", sort="asc").json()["data"] == new_logs
    touched = dataset.touch("courses", 2)
    served = {course["id"]: course for course in api_get(sandbox, "/courses").json()["data"]}
    for course in touched:
        assert served[course["id"]]["title"].endswith("(revised)") and served[course["id"]]["modified"] > newest
    enrolled = next(u for u in dataset.users if any(r["course"]["id"] == touched[0]["id"] for r in dataset.enrollments[u["id"]]))
    enrollment = next(r for r in api_get(sandbox, f"/users/{enrolled['id']}/courses").json()["data"] if r["course"]["id"] == touched[0]["id"])
    assert enrollment["course"]["title"] == touched[0]["title"]


# -- rate limit ----------------------------------------------------------------------------------------------
def test_the_31st_request_within_ten_seconds_is_refused(fresh_sandbox) -> None:
    sandbox = fresh_sandbox(apps=["learnworlds"])  # the default 30 requests / 10 s
    session = requests.Session()
    statuses = [mint(sandbox, json=TOKEN_BODY).status_code]  # the token endpoint counts too
    statuses += [session.get(f"{sandbox.url}/admin/api/v2/user-roles", headers={
        "Lw-Client": LEARNWORLDS_CLIENT_ID, "Authorization": f"Bearer {LEARNWORLDS_STATIC_TOKEN}"}).status_code for _ in range(29)]
    refused = api_get(sandbox, "/user-roles")
    assert statuses == [200] * 30
    assert refused.status_code == 429 and refused.json() == TOO_MANY and "Retry-After" not in refused.headers
    assert sandbox.app("learnworlds").rejected == 1


def test_the_window_slides(fresh_sandbox) -> None:
    sandbox = fresh_sandbox(apps=["learnworlds"], learnworlds={"rate_limit": (3, 0.3)})
    app: LearnWorldsApp = sandbox.app("learnworlds")
    assert [api_get(sandbox, "/user-roles").status_code for _ in range(4)] == [200, 200, 200, 429]
    time.sleep(app.limiter.seconds_until_free() + 0.01)
    assert api_get(sandbox, "/user-roles").status_code == 200


def test_injected_throttle_and_error_bodies(school: Sandbox) -> None:
    app: LearnWorldsApp = school.app("learnworlds")
    without = app.throttle_response(None)
    with_header = app.throttle_response(2.5)
    assert json.loads(without.body) == TOO_MANY and "Retry-After" not in without.headers
    assert with_header.headers["Retry-After"] == "3" and with_header.status == 429
    assert json.loads(app.error_response(500, "Server Error").body) == {"error": "Server Error"}
    assert json.loads(app.error_response(403, "Forbidden").body) == {
        "errors": [{"code": "403", "context": None, "message": "Forbidden"}], "success": False}


# -- a day of learner activity (the main job's next-day switch) ---------------------------------------
def learner_view(reader: SchoolReader, user_id: str) -> dict:
    """Everything the API tells about one learner's learning, read over HTTP."""
    return {
        "courses": reader.pages(f"/users/{user_id}/courses"),
        "progress": reader.pages(f"/users/{user_id}/progress"),
        "products": reader.get(f"/users/{user_id}/products")["data"],
        "certificates": reader.pages("/certificates", user_id=user_id),
    }


def test_a_day_of_activity_changes_learners_and_logs_events_except_for_admin_edits() -> None:
    with make_sandbox(scale="small", apps=["learnworlds"], learnworlds={"rate_limit": None, "user_count": 40}) as running:
        reader = SchoolReader(running.url)
        dataset = running.app("learnworlds").dataset
        users = reader.pages("/users", include_suspended="true")
        learners = [user["id"] for user in users]
        eligible = [user for user in users if user["role"]["level"] == "user" and not user["is_suspended"]]
        before = {user_id: learner_view(reader, user_id) for user_id in learners}
        newest_event_before = reader.get("/event-logs", sort="desc")["data"][0]["created"]

        day = dataset.simulate_day(1, active_share=0.5, silent_share=0.2)

        after = {user_id: learner_view(reader, user_id) for user_id in learners}
        day_start = 1764547200  # 2025-12-01T00:00:00Z, the day after the history ends
        events = reader.pages("/event-logs", created_after=day_start, sort="asc")
        with_event = {log["user"]["id"] for log in events}
        logged_after_the_history = reader.pages("/event-logs", created_after=newest_event_before, sort="asc")
        changed = {user_id for user_id in learners if before[user_id] != after[user_id]}
    assert len(eligible) == 33 and len(day.changed) == 16  # half of the learners: role "user", not suspended
    assert len(day.changed_without_event) == 3  # a fifth of them: an admin's edit
    assert set(day.changed) <= {user["id"] for user in eligible}
    assert with_event == set(day.changed_with_event)
    # nobody else changed; every admin edit shows; a visit to a course already finished changes nothing
    assert set(day.changed_without_event) <= changed <= set(day.changed)
    assert len(changed) >= len(day.changed) * 3 // 4
    assert not with_event & set(day.changed_without_event)
    assert all(day_start < log["created"] < day_start + 86_400 for log in events)
    kinds = {log["activity"] for log in events}
    assert kinds <= {"visit_course", "complete_course", "award_certificate", "manual_enrollment", "purchase"}
    assert len(events) == day.events
    assert logged_after_the_history == events  # the log grows forward: a reader at the old newest event misses none


def test_days_are_reproducible_and_a_school_of_any_size_can_be_asked_for() -> None:
    first, second = LearnWorldsDataset("tiny", user_count=50), LearnWorldsDataset("tiny", user_count=50)
    assert len(first.users) == 50
    assert first.simulate_day(1).changed == second.simulate_day(1).changed
    assert first.user_progress == second.user_progress


def test_a_day_logs_its_events_after_every_event_already_logged() -> None:
    dataset = LearnWorldsDataset("tiny", user_count=50)
    noon = dataset.add_event_logs(1, at=1764547200 + 43_200)[0]["created"]  # a login at noon on 2025-12-01
    day = dataset.simulate_day(1, active_share=0.5)
    logged = [log for log in dataset.event_logs if log["user"]["id"] in day.changed_with_event and log["created"] > 1764547200]
    assert len(logged) >= day.events > 5
    assert all(log["created"] > noon for log in logged[-day.events:])
    assert [log["created"] for log in dataset.event_logs] == sorted(log["created"] for log in dataset.event_logs)
