"""HTTP behaviour of the emulated LearnWorlds API v2 (what is emulated and why: README.md)."""
from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, unquote

from sandbox.core import Request, Response, SlidingWindowLimiter, TokenStore
from sandbox.learnworlds.dataset import EVENT_ACTIVITIES, LearnWorldsDataset

API_PREFIX = "/admin/api/"
TOKEN_PATH = "/admin/api/oauth2/access_token"
V2_PREFIX = "/admin/api/v2"
MAX_ITEMS_PER_PAGE = 200

NOT_FOUND_MESSAGE = "Sorry the resource your trying to access does not exist."  # [sic], as the API says it


class ApiError(Exception):
    """Ends a request with the API's own error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def error_b(status: int, message: str) -> ApiError:
    """Shape B: `{"error": message}` (404, 422, 429, 500 in the vendor's examples)."""
    return ApiError(Response.json(status, {"error": message}))


def error_a(status: int, code: Any, context: Optional[str], message: str) -> ApiError:
    """Shape A: `{"errors": [{code, context, message}], "success": false}` (400, 401)."""
    return ApiError(Response.json(status, {"errors": [{"code": code, "context": context, "message": message}], "success": False}))


def missing_client() -> ApiError:
    # observed live: integer `code`, unlike the string codes of the vendor's examples
    return error_a(400, 400, "client_id", "Missing client_id or client cannot be found.")


def access_denied() -> ApiError:
    return error_a(401, "401", "access_denied", "The resource owner or authorization server denied the request.")


def not_found() -> ApiError:
    return error_b(404, NOT_FOUND_MESSAGE)


class Query:
    """Typed, validated access to a request's query parameters (422 shape B on bad values)."""

    def __init__(self, request: Request, whole_second_timestamps: bool = False) -> None:
        self.request = request
        self.whole_second_timestamps = whole_second_timestamps

    def text(self, name: str) -> Optional[str]:
        value = self.request.param(name)
        return value if value not in (None, "") else None

    def required(self, name: str, message: str) -> str:
        value = self.text(name)
        if value is None:
            raise error_b(422, message)
        return value

    def csv(self, name: str) -> Optional[list[str]]:
        value = self.text(name)
        return [item.strip() for item in value.split(",") if item.strip()] if value else None

    def values(self, name: str) -> Optional[list[str]]:
        """An array parameter: `name=a&name=b`, `name[]=a`, `name=a,b` or `name=["a","b"]`."""
        raw = self.request.query.get(name, []) + self.request.query.get(f"{name}[]", [])
        items: list[str] = []
        for value in raw:
            value = value.strip()
            if value.startswith("["):
                try:
                    items.extend(str(item) for item in json.loads(value))
                    continue
                except ValueError:
                    raise error_b(422, f"You need to provide a valid {name} query parameters value")
            items.extend(item.strip() for item in value.split(",") if item.strip())
        return items or None

    def choice(self, name: str, allowed: tuple[str, ...]) -> Optional[str]:
        value = self.text(name)
        if value is not None and value not in allowed:
            quoted = ", ".join(f"'{item}'" for item in allowed)
            raise error_b(422, f"You need to provide a valid {name} query parameters value: {quoted}")
        return value

    def timestamp(self, name: str) -> Optional[float]:
        value = self.text(name)
        if value is None:
            return None
        try:
            moment = float(value)
        except ValueError:
            moment = math.nan
        if not math.isfinite(moment) or (self.whole_second_timestamps and not value.isdigit()):
            raise error_b(422, f"You need to provide a valid {name} query parameters value: a UNIX timestamp")
        return moment

    def positive_int(self, name: str, maximum: Optional[int] = None) -> Optional[int]:
        value = self.text(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1 or (maximum is not None and number > maximum):
            limit = f" between 1 and {maximum}" if maximum else " greater than 0"
            raise error_b(422, f"You need to provide a valid {name} query parameters value: an integer{limit}")
        return number


class LearnWorldsApp:
    """The emulated school: /admin/api/oauth2/access_token and every GET of /admin/api/v2.

    Options: `rate_limit=(30, 10.0)` (requests, seconds; None turns the limit off),
    `token_lifetime_seconds=8000`, `user_count` (users at the "bench" scale, default 600),
    `json_token_body_only=False` (True: the token endpoint refuses the form with a `data` field, 400),
    `now` (the school's clock: unix seconds at the UTC midnight its history ends, default 2025-12-01).
    """

    name = "learnworlds"

    def __init__(self, scale: str = "small", seed: int = 7, rate_limit: Optional[tuple[int, float]] = (30, 10.0),
                 token_lifetime_seconds: float = 8000, user_count: Optional[int] = None,
                 json_token_body_only: bool = False, whole_second_timestamps: bool = False,
                 unavailable_endpoints: tuple[str, ...] = (), now: Optional[float] = None) -> None:
        from sandbox import LEARNWORLDS_CLIENT_ID, LEARNWORLDS_CLIENT_SECRET, LEARNWORLDS_STATIC_TOKEN

        self.client_id = LEARNWORLDS_CLIENT_ID
        self.client_secret = LEARNWORLDS_CLIENT_SECRET
        self.static_token = LEARNWORLDS_STATIC_TOKEN
        self.static_token_revoked = False
        self.dataset = LearnWorldsDataset(scale=scale, seed=seed, user_count=user_count, now=now)
        self.tokens = TokenStore()
        self.token_lifetime_seconds = token_lifetime_seconds
        # The documents show both bodies; a school may accept only the JSON one.
        self.json_token_body_only = json_token_body_only
        self.limiter = SlidingWindowLimiter(*rate_limit) if rate_limit else None
        # The alternative reading of "a UNIX timestamp" (the vendor's examples are whole seconds).
        self.whole_second_timestamps = whole_second_timestamps
        # Lists this school's API does not offer (its plan or version): the API's "does not exist" 404.
        self.unavailable_endpoints = set(unavailable_endpoints)
        self._routes = self._build_routes()

    # -- App protocol ---------------------------------------------------------------------------------
    @property
    def rejected(self) -> int:
        """Requests refused by the rate limit so far."""
        return self.limiter.rejected if self.limiter else 0

    def handles(self, path: str) -> bool:
        return path.startswith(API_PREFIX)

    def error_response(self, status: int, message: str) -> Response:
        """Shape A for the auth-type statuses (as the spec's 400/401 examples), shape B otherwise."""
        if status in (400, 401, 403):
            return error_a(status, str(status), None, message).response
        return error_b(status, message).response

    def throttle_response(self, retry_after: Optional[float]) -> Response:
        headers = {"Retry-After": str(int(math.ceil(retry_after)))} if retry_after is not None else None
        return Response.json(429, {"error": "Too many requests"}, headers)

    def revoke_tokens(self) -> None:
        self.tokens.revoke_all()
        self.static_token_revoked = True

    def handle(self, request: Request) -> Response:
        # "All API requests are subject to rate limits": the token endpoint and refused calls count too
        if self.limiter is not None and not self.limiter.allow():
            return self.throttle_response(None)
        try:
            if request.path.rstrip("/") == TOKEN_PATH:
                return self._mint_token(request)
            return self._serve_v2(request)
        except ApiError as error:
            return error.response

    # -- token endpoint --------------------------------------------------------------------------------
    def _mint_token(self, request: Request) -> Response:
        if request.method != "POST":
            raise error_b(405, "Method not allowed")
        if request.header("Lw-Client") != self.client_id:
            raise missing_client()
        body = self._token_request_body(request)
        if body.get("grant_type") != "client_credentials":
            raise error_a(400, "400", "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
        if (self.tokens.reject_minting or body.get("client_id") != self.client_id
                or body.get("client_secret") != self.client_secret):
            raise error_a(401, "401", "invalid_client", "Client authentication failed")
        token = self.tokens.issue(self.token_lifetime_seconds)
        lifetime = self.token_lifetime_seconds
        token_data = {"access_token": token, "token_type": "Bearer",
                      "expires_in": int(lifetime) if float(lifetime).is_integer() else lifetime}
        return Response.json(200, {"tokenData": token_data, "errors": [], "success": True})

    def _token_request_body(self, request: Request) -> dict:
        """JSON body, or a form whose `data` field holds the same JSON (the legacy v1 style), unless
        `json_token_body_only`."""
        content_type = (request.header("Content-Type") or "").lower()
        try:
            if "application/x-www-form-urlencoded" in content_type and self.json_token_body_only:
                payload = None
            elif "application/x-www-form-urlencoded" in content_type:
                form = parse_qs(request.body.decode(), keep_blank_values=True)
                payload = json.loads(form["data"][0])
            else:
                payload = json.loads(request.body or b"null")
        except (KeyError, IndexError, ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            raise error_a(400, "400", "invalid_request",
                          "The request is missing a required parameter, includes an invalid parameter value, "
                          "includes a parameter more than once, or is otherwise malformed.")
        return payload

    # -- /v2 -----------------------------------------------------------------------------------------
    def _serve_v2(self, request: Request) -> Response:
        if not request.path.startswith(V2_PREFIX + "/"):
            raise not_found()
        if request.header("Lw-Client") != self.client_id:
            raise missing_client()
        token = request.bearer_token
        static_ok = token == self.static_token and not self.static_token_revoked
        if not (static_ok or self.tokens.is_valid(token)):
            raise access_denied()
        if request.method != "GET":
            raise error_b(405, "Method not allowed")
        route = request.path[len(V2_PREFIX):].rstrip("/")
        if route.lstrip("/") in self.unavailable_endpoints:
            raise not_found()
        for pattern, handler in self._routes:
            match = pattern.fullmatch(route)
            if match:
                # ids in paths may be url-encoded ("User Id or email (encoded string)")
                payload = handler(Query(request, self.whole_second_timestamps), **{key: unquote(value) for key, value in match.groupdict().items()})
                return Response.json(200, payload)
        raise not_found()

    def _build_routes(self) -> list[tuple[re.Pattern, Callable[..., Any]]]:
        segment = r"(?P<{}>[^/]+)"
        table = [
            ("/courses", self._courses),
            ("/courses/{id}", self._course),
            ("/courses/{id}/contents", self._course_contents),
            ("/courses/{id}/analytics", self._course_analytics),
            ("/courses/{id}/units/{uid}/analytics", self._unit_analytics),
            ("/courses/{id}/users", self._course_users),
            ("/courses/{id}/grades", self._course_grades),
            ("/users", self._users),
            ("/users/segments", self._segments),
            ("/users/by-segment", self._users_by_segment),
            ("/users/by-product", self._users_by_product),
            ("/users/{id}", self._user),
            ("/users/{id}/courses", self._user_courses),
            ("/users/{id}/courses/{cid}/progress", self._user_course_progress),
            ("/users/{id}/progress", self._user_progress),
            ("/users/{id}/products", self._user_products),
            ("/users/{id}/seats", self._user_seats),
            ("/users/{id}/user-groups", self._user_user_groups),
            ("/bundles", lambda q: self._paged(q, self.dataset.bundles, 20)),
            ("/bundles/{id}", lambda q, id: self._by_id(self.dataset.bundles, id)),
            ("/subscription-plans", lambda q: self._paged(q, self.dataset.subscription_plans, 50)),
            ("/subscription-plans/{id}", lambda q, id: self._by_id(self.dataset.subscription_plans, id)),
            ("/user-subscriptions", self._user_subscriptions),
            ("/installments/active", self._active_installments),
            ("/payments", self._payments),
            ("/payments/{id}", self._payment),
            ("/school/events", self._school_events),
            ("/leads", lambda q: self._paged(q, self.dataset.leads, 20)),
            ("/promotions", lambda q: self._paged(q, self.dataset.promotions, 20)),
            ("/promotions/{id}", lambda q, id: self._by_id(self.dataset.promotions, id)),
            ("/promotions/{pid}/coupons", self._coupons),
            ("/promotions/{pid}/coupons/{cid}/usage", self._coupon_usage),
            ("/affiliates", lambda q: self._paged(q, self.dataset.affiliates, 20)),
            ("/affiliates/{id}/leads", lambda q, id: self._paged(q, self._affiliate(id, self.dataset.affiliate_leads), 20)),
            ("/affiliates/{id}/customers", lambda q, id: self._paged(q, self._affiliate(id, self.dataset.affiliate_customers), 20)),
            ("/affiliates/{id}/payments", self._affiliate_payments),
            ("/affiliates/{id}/payouts/upcoming", lambda q, id: {"data": self._affiliate(id, self.dataset.affiliate_payouts_upcoming)}),
            ("/affiliates/{id}/payouts/due", lambda q, id: {"data": self._affiliate(id, self.dataset.affiliate_payouts_due)}),
            ("/affiliates/{id}/payouts/completed", lambda q, id: self._paged(q, self._affiliate(id, self.dataset.affiliate_payouts_completed), 20)),
            ("/certificates", self._certificates),
            ("/event-logs", self._event_logs),
            ("/assessments/{id}/responses", lambda q, id: self._responses(q, self.dataset.assessment_responses, id)),
            ("/forms/{id}/responses", lambda q, id: self._responses(q, self.dataset.form_responses, id)),
            ("/seats", lambda q: self._paged(q, self.dataset.seats, 20)),
            ("/seats/{id}", lambda q, id: self._by_id(self.dataset.seats, id)),
            ("/seats/{id}/users", lambda q, id: self._bare_page(q, self._member_list(self.dataset.seat_users, id))),
            ("/user_groups", lambda q: self._paged(q, self.dataset.user_groups, 20)),
            ("/user_groups/{id}", lambda q, id: self._by_id(self.dataset.user_groups, id)),
            ("/user_groups/{id}/users", lambda q, id: self._bare_page(q, self._member_list(self.dataset.group_users, id))),
            ("/user-roles", self._user_roles),
            ("/community/collections", lambda q: {"data": self.dataset.community_collections}),
            ("/community/spaces", self._spaces),
            ("/community/spaces/{id}", lambda q, id: self._by_id(self.dataset.community_spaces, id)),
            ("/community/spaces/{id}/users", self._space_users),
            ("/community/posts", self._posts),
            ("/community/posts/{id}", lambda q, id: self._by_id(self.dataset.community_posts, id)),
        ]
        routes = []
        for template, handler in table:
            pattern = re.sub(r"\{(\w+)\}", lambda m: segment.format(m.group(1)), template)
            routes.append((re.compile(pattern), handler))
        return routes

    # -- pagination -------------------------------------------------------------------------------------
    @staticmethod
    def _paged(query: Query, items: list, page_size: int, items_per_page: bool = False,
               past_end_is_empty: bool = False) -> dict:
        """The `{"data", "meta"}` envelope. Past the last page the API repeats the last page, except on
        the endpoints that say "no results will be returned" (`past_end_is_empty`)."""
        size = (query.positive_int("items_per_page", MAX_ITEMS_PER_PAGE) or page_size) if items_per_page else page_size
        requested = query.positive_int("page") or 1
        total_pages = math.ceil(len(items) / size)
        page = requested if past_end_is_empty else max(1, min(requested, total_pages))
        data = items[(page - 1) * size: page * size]
        return {"data": data, "meta": {"page": page, "totalItems": len(items), "totalPages": total_pages, "itemsPerPage": size}}

    @staticmethod
    def _bare_page(query: Query, items: list, page_size: int = 20) -> list:
        """A bare array paged by `page` (20 per page), repeating the last page past the end."""
        requested = query.positive_int("page") or 1
        total_pages = max(1, math.ceil(len(items) / page_size))
        page = min(requested, total_pages)
        return items[(page - 1) * page_size: page * page_size]

    # -- lookups ----------------------------------------------------------------------------------------
    @staticmethod
    def _by_id(records: list[dict], record_id: str) -> dict:
        found = next((record for record in records if record["id"] == record_id), None)
        if found is None:
            raise not_found()
        return found

    def _course_id(self, course_id: str) -> str:
        if self.dataset.find_course(course_id) is None:
            raise not_found()
        return course_id

    def _user_id(self, id_or_email: str) -> str:
        user = self.dataset.find_user(id_or_email)
        if user is None:
            raise not_found()
        return user["id"]

    def _filter_user_id(self, query: Query, name: str = "user_id") -> Optional[str]:
        """A `user_id` filter (id or email) as a user id; an unknown user simply matches nothing."""
        value = query.text(name)
        if value is None:
            return None
        user = self.dataset.find_user(value)
        return user["id"] if user else value

    def _affiliate(self, affiliate_id: str, by_affiliate: dict[str, list]) -> list:
        user = self.dataset.find_user(affiliate_id)  # "Affiliate Id or email"
        if user is None or user["id"] not in by_affiliate:
            raise not_found()
        return by_affiliate[user["id"]]

    @staticmethod
    def _member_list(members: dict[str, list], group_id: str) -> list:
        if group_id not in members:
            raise not_found()
        return members[group_id]

    # -- courses ----------------------------------------------------------------------------------------
    def _courses(self, query: Query) -> dict:
        categories = query.csv("categories")
        access = query.values("access")
        allowed = ("paid", "free", "coming_soon", "private", "draft", "enrollment_closed")
        if access and any(value not in allowed for value in access):
            raise error_b(422, "You need to provide a valid access query parameters value: " + ", ".join(f"'{a}'" for a in allowed))
        courses = [course for course in self.dataset.courses
                   if (not categories or set(categories) & set(course["categories"]))
                   and (not access or course["access"] in access)]
        return self._paged(query, courses, 50)

    def _course(self, query: Query, id: str) -> dict:
        return self.dataset.find_course(self._course_id(id))

    def _course_contents(self, query: Query, id: str) -> dict:
        return self.dataset.course_contents[self._course_id(id)]

    def _course_analytics(self, query: Query, id: str) -> dict:
        return self.dataset.course_analytics[self._course_id(id)]

    def _unit_analytics(self, query: Query, id: str, uid: str) -> dict:
        found = self.dataset.unit_analytics.get((self._course_id(id), uid))
        if found is None:
            raise not_found()
        return found

    def _course_users(self, query: Query, id: str) -> dict:
        return self._paged(query, self.dataset.course_users[self._course_id(id)], 20, items_per_page=True)

    def _course_grades(self, query: Query, id: str) -> dict:
        grades = self.dataset.course_grades[self._course_id(id)]
        users = query.csv("users")
        units = query.csv("learningUnits")
        sort = query.choice("sort", ("created", "submittedTimestamp"))
        order = query.choice("order", ("asc", "desc"))
        grades = [grade for grade in grades
                  if (not users or grade["user_id"] in users) and (not units or grade["learningUnit"]["id"] in units)]
        if sort or order:
            grades = sorted(grades, key=lambda grade: grade[sort or "created"], reverse=(order or "desc") == "desc")
        return self._paged(query, grades, 20, items_per_page=True)

    # -- users ------------------------------------------------------------------------------------------
    def _users(self, query: Query) -> dict:
        after, before = query.timestamp("registration_after"), query.timestamp("registration_before")
        status = query.choice("status", ("paying", "non_paying", "suspended", "never_logged_in"))
        role = query.choice("role", ("user", "admin", "instructor", "reporter"))
        tags = query.csv("tags")
        # the spec's enum is "true" / "flase" [sic]; both spellings of false are taken
        include_suspended = query.choice("include_suspended", ("true", "false", "flase")) == "true"
        custom = {name: values[0] for name, values in query.request.query.items() if name.startswith("cf_")}
        paying = {payment["user_id"] for payment in self.dataset.payments}
        status_rules = {
            "paying": lambda user: user["id"] in paying,
            "non_paying": lambda user: user["id"] not in paying,
            "suspended": lambda user: user["is_suspended"],
            "never_logged_in": lambda user: user["last_login"] is None,
        }
        users = [user for user in self.dataset.users
                 if (include_suspended or status == "suspended" or not user["is_suspended"])
                 and (after is None or user["created"] > after) and (before is None or user["created"] < before)
                 and (status is None or status_rules[status](user))
                 and (role is None or user["role"]["level"] == role)
                 and (not tags or set(tags) & set(user["tags"]))
                 and all(str(user["fields"].get(name)) == value for name, value in custom.items())]
        return self._paged(query, users, 20, items_per_page=True)

    def _user(self, query: Query, id: str) -> dict:
        user = self.dataset.find_user(id)
        include_suspended = query.choice("include_suspended", ("true", "false")) == "true"
        if user is None or (user["is_suspended"] and not include_suspended):
            raise not_found()
        return user

    def _user_courses(self, query: Query, id: str) -> dict:
        return self._paged(query, self.dataset.enrollments[self._user_id(id)], 50)

    def _user_progress(self, query: Query, id: str) -> dict:
        return self._paged(query, self.dataset.user_progress[self._user_id(id)], 20, items_per_page=True, past_end_is_empty=True)

    def _user_course_progress(self, query: Query, id: str, cid: str) -> dict:
        progress = next((item for item in self.dataset.user_progress[self._user_id(id)] if item["course_id"] == cid), None)
        if progress is None:
            raise not_found()
        return {key: value for key, value in progress.items() if key != "course_id"}

    def _user_products(self, query: Query, id: str) -> dict:
        return {"data": self.dataset.user_products[self._user_id(id)]}

    def _user_seats(self, query: Query, id: str) -> Optional[list]:
        return self.dataset.user_seats[self._user_id(id)]

    def _user_user_groups(self, query: Query, id: str) -> list:
        return self.dataset.user_user_groups[self._user_id(id)]

    def _segments(self, query: Query) -> dict:
        return {"data": self.dataset.segments}

    def _users_by_segment(self, query: Query) -> dict:
        segment_id = query.required("segment_id", "You need to provide a valid segment_id query parameters value")
        if segment_id not in self.dataset.segment_users:
            raise not_found()
        return self._paged(query, self.dataset.segment_users[segment_id], 20, past_end_is_empty=True)

    def _users_by_product(self, query: Query) -> dict:
        product_id = query.required("product_id", "You need to provide a valid product_id query parameters value")
        message = "You need to provide a valid product_type query parameters value: 'course', 'bundle', 'subscription'"
        product_type = query.required("product_type", message)
        if product_type not in ("course", "bundle", "subscription"):
            raise error_b(422, message)
        catalogue = {"course": self.dataset.courses, "bundle": self.dataset.bundles, "subscription": self.dataset.subscription_plans}
        self._by_id(catalogue[product_type], product_id)
        return self._paged(query, self.dataset.users_by_product(product_id, product_type), 20)

    # -- commerce ----------------------------------------------------------------------------------------
    def _user_subscriptions(self, query: Query) -> dict:
        user_id = self._filter_user_id(query)
        status = query.choice("status", ("active", "inactive", "trial"))
        items = [item for item in self.dataset.user_subscriptions
                 if (user_id is None or item["user_id"] == user_id) and (status is None or item["status"] == status)]
        return self._paged(query, items, 20)

    def _active_installments(self, query: Query) -> dict:
        user_id = self._filter_user_id(query)
        product_id = query.text("product_id")
        product_type = query.choice("product_type", ("course", "bundle"))
        items = [item for item in self.dataset.active_installments
                 if (user_id is None or item["user_id"] == user_id) and (product_id is None or item["productId"] == product_id)
                 and (product_type is None or item["productType"] == product_type)]
        return self._paged(query, items, 50, past_end_is_empty=True)

    def _payments(self, query: Query) -> dict:
        product_type = query.choice("product_type", ("course", "bundle", "subscription"))
        user_id = self._filter_user_id(query)
        affiliate_id = self._filter_user_id(query, "affiliate_id")
        product_id = query.text("product_id")
        after, before = query.timestamp("created_after"), query.timestamp("created_before")
        payments = [payment for payment in self.dataset.payments
                    if (product_type is None or payment["product"]["type"] == product_type)
                    and (user_id is None or payment["user_id"] == user_id)
                    and (affiliate_id is None or (payment["affiliate"] or {}).get("id") == affiliate_id)
                    and (product_id is None or payment["product"]["id"] == product_id)
                    and (after is None or payment["created"] > after) and (before is None or payment["created"] < before)]
        return self._paged(query, payments, 50, items_per_page=True)

    def _payment(self, query: Query, id: str) -> dict:
        """A payment by payment id or transaction id."""
        found = next((p for p in self.dataset.payments if id in (p["id"], p["transaction_id"])), None)
        if found is None:
            raise not_found()
        return found

    def _school_events(self, query: Query) -> dict:
        event_type = query.choice("event_type", ("dripFeed", "fileAssignment", "liveSession"))
        return {"data": [event for event in self.dataset.school_events if event_type is None or event["type"] == event_type]}

    def _coupons(self, query: Query, pid: str) -> dict:
        return {"data": self._by_id(self.dataset.promotions, pid)["coupons"]}

    def _coupon_usage(self, query: Query, pid: str, cid: str) -> dict:
        self._by_id(self.dataset.promotions, pid)
        usage = self.dataset.coupon_usage(pid, cid)
        if usage is None:
            raise not_found()
        page = self._paged(query, usage["payments"], 50)
        return {"usage": usage["usage"], "payments": page["data"], "meta": page["meta"]}

    def _affiliate_payments(self, query: Query, id: str) -> dict:
        user = self.dataset.find_user(id)
        if user is None or not any(affiliate["id"] == user["id"] for affiliate in self.dataset.affiliates):
            raise not_found()
        return self._paged(query, self.dataset.affiliate_payments(user["id"]), 50)

    # -- learning records --------------------------------------------------------------------------------
    def _certificates(self, query: Query) -> dict:
        course_id, user_id = query.text("course_id"), self._filter_user_id(query)
        if course_id is None and user_id is None:
            raise error_b(422, "You need to provide at least one of the query parameters: 'course_id', 'user_id'")
        return self._paged(query, self.dataset.certificates_for(course_id=course_id, user_id=user_id), 20)

    def _event_logs(self, query: Query) -> dict:
        user_id = self._filter_user_id(query)
        activity = query.choice("activity", EVENT_ACTIVITIES)
        after, before = query.timestamp("created_after"), query.timestamp("created_before")
        ascending = query.choice("sort", ("asc", "desc")) == "asc"
        logs = [log for log in self.dataset.event_logs
                if (user_id is None or log["user"]["id"] == user_id) and (activity is None or log["activity"] == activity)
                and (after is None or log["created"] > after) and (before is None or log["created"] < before)]
        return self._paged(query, logs if ascending else logs[::-1], 50)

    def _responses(self, query: Query, by_id: dict[str, list], item_id: str) -> dict:
        if item_id not in by_id:
            raise not_found()
        users = query.csv("users")
        responses = [response for response in by_id[item_id] if not users or response["user_id"] in users]
        return self._paged(query, responses, 20, items_per_page=True)

    # -- roles and community ------------------------------------------------------------------------------
    def _user_roles(self, query: Query) -> dict:
        role_id = query.text("role_id")
        levels = query.csv("access_level")
        allowed = ("admin", "instructor", "reporter", "seat_manager", "user")
        if levels and any(level not in allowed for level in levels):
            raise error_b(422, "You need to provide a valid access_level query parameters value: " + ", ".join(f"'{a}'" for a in allowed))
        return {"data": [role for role in self.dataset.user_roles
                         if (role_id is None or role["id"] == role_id) and (not levels or role["access_level"] in levels)]}

    def _spaces(self, query: Query) -> dict:
        access = query.choice("access", ("public", "private", "standalone"))
        collection_id = query.text("collectionId")
        usages = query.values("usages")
        spaces = [space for space in self.dataset.community_spaces
                  if (access is None or space["access"] == access)
                  and (collection_id is None or space["collectionId"] == collection_id)
                  and (not usages or any(usage["courseId"] in usages for usage in space["usages"]))]
        return self._paged(query, spaces, 20, items_per_page=True)

    def _space_users(self, query: Query, id: str) -> dict:
        self._by_id(self.dataset.community_spaces, id)
        return self._paged(query, self.dataset.space_users[id], 10, items_per_page=True)

    def _posts(self, query: Query) -> dict:
        user_id = self._filter_user_id(query)
        space_id, course_id, mentions = query.text("space_id"), query.text("course_id"), query.text("mentions")
        posts = [post for post in self.dataset.community_posts
                 if (user_id is None or post["user"]["id"] == user_id)
                 and (space_id is None or post["posted_in"] == {"type": "space", "id": space_id})
                 and (course_id is None or post["posted_in"] == {"type": "course", "id": course_id})
                 and (mentions is None or any(m["id"] == mentions for m in post["mentions"]))]
        return self._paged(query, posts, 10, items_per_page=True)
