"""Deterministic LinkedIn Learning data: the catalog, its taxonomy and learner activity.

Everything is a pure function of `seed`, the scale and the dataset's clock (`now_ms`), so two
datasets built with the same arguments serve identical data. Assets are generated lazily from
their index: a million-course catalog costs no memory and no start-up time.

End-to-end tests compare a connector's output with this module:

    dataset = sandbox.app("linkedin_learning").dataset
    expected = {a["urn"]: a for a in dataset.assets("COURSE", locale="en_US")}
    report = dataset.activity_report(started_at_ms, days=7, primary="INDIVIDUAL", secondary="CONTENT")

Every element is exactly what the API serves (before any `fields=` projection).

The catalog
-----------
* COURSE (`urn:li:lyndaCourse:N`) contains CHAPTERs
  (`urn:li:lyndaChapter:(urn:li:lyndaCourse:N,M)`), which contain VIDEOs
  (`urn:li:lyndaVideo:(urn:li:lyndaCourse:N,M)`). LEARNING_PATH
  (`urn:li:lyndaLearningPath:N`) contains COURSEs of its own locale.
* Every asset has one source locale: mostly en_US, some fr_FR, de_DE, es_ES, ja_JP. Chapters and
  videos share their course's locale, availability and timestamps.
* About 10% of courses and learning paths are RETIRED (`details.retiredAt` is present only then).
* `publishedAt` / `lastUpdatedAt` are spread over the two years before the dataset's day
  (`anchor_day_ms`); none falls within the last 24 hours until `touch_assets` is called.

`expand_depth` (the API's `expandDepth` / `assetRetrievalCriteria.expandDepth`)
--------------------------------------------------------------------------------
The asset asked for is level 1. An asset at level L <= expand_depth carries `details` and lists
its children in `contents` as `{"asset": {...}}`; a child at level L + 1 > expand_depth carries
only `urn`, `type` and `title`. So with the default depth 1 a course has its details and the
summaries of its chapters; with depth 2 each chapter also has details and its video summaries;
with depth 3 the videos have details too. Depth 0 returns `urn`, `type` and `title` only.
A video has no `contents` key (it has no children).

Classifications
---------------
LIBRARY > SUBJECT > TOPIC (`urn:li:lyndaCategory:N`) and SKILL (`urn:li:skill:N`). Every
classification exists in every catalog locale under the same URN with a localized name. Each
course is tagged with one TOPIC (its `path` is [LIBRARY, SUBJECT]) and one to three SKILLs.

Activity
--------
Daily facts (learner x content x UTC day -> seconds viewed, views, completions, progress
percentage, marked as done) cover the `activity_days` days up to the dataset's day. Data arrives
late: `latest_data_at` is `data_delay_hours` before `now_ms` (floored to the hour), and a day's
facts are visible only once the whole day is older than `latest_data_at`. `add_late_activity`
adds a fact to a past day, as a late-arriving upload does.
"""
from __future__ import annotations

import random
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Optional

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
_MASK = (1 << 64) - 1

ASSET_TYPES = ("COURSE", "LEARNING_PATH", "CHAPTER", "VIDEO")
DIFFICULTY_LEVELS = ("BEGINNER", "INTERMEDIATE", "ADVANCED")
CLASSIFICATION_TYPES = ("LIBRARY", "SUBJECT", "TOPIC", "SKILL")
AGGREGATIONS = ("ACCOUNT", "GROUP", "INDIVIDUAL", "CONTENT")
CONTENT_SOURCES = ("ORGANIZATION", "LINKEDIN_LEARNING", "THIRD_PARTY", "ALL_SOURCES")
# The reporting AssetType enum, in the order ACCOUNT-level activities list them.
REPORT_ASSET_TYPES = ("COURSE", "LEARNING_PATH", "VIDEO", "ARTICLE", "AUDIO", "BOOK", "DOCUMENT", "EVENT")
# Locales the catalog has content in (the API accepts more, see SUPPORTED_LANGUAGES).
CATALOG_LOCALES = ("en_US", "fr_FR", "de_DE", "es_ES", "ja_JP")
SUPPORTED_LANGUAGES = ("de", "en", "es", "fr", "in", "it", "ja", "ko", "pl", "pt", "tr", "zh")
SUPPORTED_COUNTRIES = ("BR", "ES", "CN", "DE", "FR", "ID", "IT", "JP", "KR", "PL", "US", "TR")

ACCOUNT_ID = 999
ACCOUNT_URN = f"urn:li:enterpriseAccount:{ACCOUNT_ID}"
ORGANIZATION_NAME = "Sandbox Corp"
THIRD_PARTY_PROVIDERS = ("Northwind Academy", "Contoso Press")

_COURSE_ID_BASE = 100_000
_CHAPTER_ID_BASE = 400_000
_VIDEO_ID_BASE = 600_000
_PATH_ID_BASE = 50_000
_CATEGORY_ID_BASE = 7_000
_SKILL_ID_BASE = 100
_AUTHOR_ID_BASE = 2_975_000
_PATTERN_SIZE = 100  # the catalog repeats a seeded pattern of locales/retirement/structure per 100 slots

_LANGUAGE_LABELS = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "ja": "日本語"}
_TITLE_TEMPLATES = {
    "en": ("{topic} Essential Training", "Learning {topic}", "{topic}: Tips and Tricks", "Advanced {topic}",
           "{topic} for Beginners", "Mastering {topic}", "{topic} Foundations", "Hands-On {topic}"),
    "fr": ("Les bases de {topic}", "Formation complète {topic}", "{topic} : astuces", "Maîtriser {topic}"),
    "de": ("{topic} Grundkurs", "{topic} lernen", "{topic}: Tipps und Tricks", "{topic} für Fortgeschrittene"),
    "es": ("Fundamentos de {topic}", "Aprende {topic}", "{topic}: trucos y consejos", "Domina {topic}"),
    "ja": ("{topic} 入門", "{topic} 基本講座", "{topic} 実践", "{topic} 上級編"),
}
_TOPIC_WORDS = (
    "Python", "Java", "JavaScript", "SQL", "Excel", "Power BI", "Project Management", "Leadership", "Agile",
    "Public Speaking", "Photoshop", "Illustrator", "Audio Mixing", "Video Editing", "Kubernetes", "Docker",
    "Cloud Security", "Negotiation", "Data Visualization", "Machine Learning", "Statistics", "Accounting",
    "Marketing Analytics", "Copywriting", "UX Design", "Time Management", "Customer Service", "Sales Strategy",
    "Networking", "Linux", "React", "Go", "Rust", "Spreadsheets", "Business Writing", "Coaching",
)
_CHAPTER_WORDS = ("Introduction", "Getting Started", "Core Concepts", "Working with Data", "Best Practices",
                  "Putting It Together", "Troubleshooting", "Next Steps")
_VIDEO_WORDS = ("Overview", "Setting up", "A first example", "Going further", "Common mistakes", "Challenge",
                "Solution", "Recap")
_LIBRARY_NAMES = ("Business", "Technology", "Creative", "Personal Development", "Data", "Design", "Finance",
                  "Engineering")
_SUBJECT_WORDS = ("Strategy", "Analysis", "Development", "Operations", "Communication", "Tools", "Management",
                  "Fundamentals")
_SKILL_WORDS = ("Business Development", "Software Development", "Data Analysis", "Team Leadership", "Graphic Design",
                "Cloud Computing", "Financial Modeling", "Content Marketing", "Cybersecurity", "Product Management")
_FIRST_NAMES = ("Ada", "Ben", "Chloé", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Inés", "Jonas", "Kemi", "Lars",
                "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara")
_LAST_NAMES = ("Andersen", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hoffmann", "Ivanova",
               "Jensen", "Kowalski", "López", "Müller", "Nakamura", "Okafor", "Petrov", "Rossi", "Schmidt",
               "Tanaka", "Weber")
_GROUPS = ("Engineering", "Sales", "Marketing", "Finance", "Operations", "People")
_CUSTOM_ASSET_TYPES = ("DOCUMENT", "ARTICLE", "BOOK", "AUDIO", "EVENT", "COURSE")


@dataclass(frozen=True)
class Scale:
    courses: int
    learning_paths: int
    libraries: int
    subjects_per_library: int
    topics_per_subject: int
    skills: int
    learners: int
    activity_days: int
    custom_contents: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(courses=30, learning_paths=4, libraries=2, subjects_per_library=2, topics_per_subject=2,
                  skills=10, learners=8, activity_days=30, custom_contents=4),
    "small": Scale(courses=300, learning_paths=24, libraries=4, subjects_per_library=4, topics_per_subject=4,
                   skills=100, learners=40, activity_days=60, custom_contents=12),
    "demo": Scale(courses=5_000, learning_paths=300, libraries=6, subjects_per_library=6, topics_per_subject=5,
                  skills=600, learners=400, activity_days=120, custom_contents=40),
    "bench": Scale(courses=250_000, learning_paths=10_000, libraries=8, subjects_per_library=8, topics_per_subject=8,
                   skills=5_000, learners=4_000, activity_days=120, custom_contents=200),
}


def locale_object(locale: str) -> dict[str, str]:
    """`"fr_FR"` -> `{"country": "FR", "language": "fr"}` (the API's Locale)."""
    return {"country": locale[3:], "language": locale[:2]}


def locale_string(value: str, locale: str) -> dict[str, Any]:
    """The API's LocaleString. Its `locale` object is shared (elements are read-only), which keeps pages fast."""
    shared = _LOCALE_OBJECTS.get(locale)
    return {"locale": shared if shared is not None else locale_object(locale), "value": value}


_LOCALE_OBJECTS = {locale: locale_object(locale) for locale in CATALOG_LOCALES}


def _mix(*parts: int) -> int:
    """A non-negative 64-bit hash of integers: the source of every generated value.

    The hash of a tuple of ints is stable across processes (only str/bytes hashing is salted)
    and is computed in C, which keeps page generation fast.
    """
    return hash(parts) & _MASK


def _revised(title: str, touched: Optional[tuple[int, int]]) -> str:
    """A touched asset's title carries its revision (see `touch_assets`)."""
    return f"{title} (updated {touched[1]})" if touched else title


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class _Slot:
    locale: str
    retired: bool
    videos_per_chapter: tuple[int, ...]


@dataclass(frozen=True)
class _Fact:
    """One learner's engagement with one content on one UTC day."""

    learner: int
    content: int  # index into the content pool
    day_ms: int
    first_engaged_at: int
    last_engaged_at: int
    seconds_viewed: int
    views: int
    completions: int
    progress_percentage: int
    marked_as_done: int


@dataclass(frozen=True)
class _Content:
    """Something learners engage with: a catalog asset or custom (organization / third-party) content."""

    urn: str
    asset_type: str  # the reporting AssetType
    source: str  # ORGANIZATION | LINKEDIN_LEARNING | THIRD_PARTY
    provider: str
    locale: str
    custom_name: str = ""  # empty for catalog assets: their (current) title is used


class _PatternIndex:
    """O(1) access to the k-th item matching a filter in a catalog that repeats one slot pattern.

    `entries` lists, in catalog order, what one pattern block holds that matches the filter, as
    (slot, position-in-slot) pairs; item counts come from the number of slots actually filled.
    """

    def __init__(self, entries: list[tuple[int, ...]], slot_count: int) -> None:
        self.entries = entries
        self.slot_count = slot_count
        self.per_block = len(entries)

    def count(self) -> int:
        full, rest = divmod(self.slot_count, _PATTERN_SIZE)
        return full * self.per_block + sum(1 for entry in self.entries if entry[0] < rest)

    def nth(self, k: int) -> tuple[int, tuple[int, ...]]:
        """(block, entry) of the k-th match."""
        block, within = divmod(k, self.per_block)
        return block, self.entries[within]


class LinkedInLearningDataset:
    """The data one emulated LinkedIn Learning account serves.

    Options (all keyword): `asset_count` (courses), `learning_path_count`, `learner_count`,
    `activity_days`, `custom_content_count` override the scale; `now_ms` fixes the dataset's
    clock (default: the current time); `data_delay_hours` (default 8) sets how far
    `latest_data_at` lags behind `now_ms`.
    """

    def __init__(
        self,
        scale: str = "small",
        seed: int = 7,
        *,
        asset_count: Optional[int] = None,
        learning_path_count: Optional[int] = None,
        learner_count: Optional[int] = None,
        activity_days: Optional[int] = None,
        custom_content_count: Optional[int] = None,
        now_ms: Optional[int] = None,
        data_delay_hours: float = 8,
    ) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose from {sorted(SCALES)}")
        overrides = {
            "courses": asset_count, "learning_paths": learning_path_count, "learners": learner_count,
            "activity_days": activity_days, "custom_contents": custom_content_count,
        }
        self.scale = replace(SCALES[scale], **{k: v for k, v in overrides.items() if v is not None})
        self.seed = seed
        self.now_ms = int(now_ms if now_ms is not None else time.time() * 1000)
        self.anchor_day_ms = self.now_ms - self.now_ms % DAY_MS
        self.latest_data_at = self.now_ms - self.now_ms % HOUR_MS - int(data_delay_hours * HOUR_MS)
        self._lock = threading.Lock()
        self._touched: dict[str, tuple[int, int]] = {}  # urn -> (lastUpdatedAt, revision)
        self._late_facts: list[_Fact] = []
        self.version = 0  # bumped by every change, so callers can cache query results
        self._build_pattern()
        self._build_classifications()
        self._build_activity()

    # ------------------------------------------------------------------------------------
    # Catalog: public API
    # ------------------------------------------------------------------------------------
    def assets(
        self,
        asset_type: Optional[str] = None,
        locale: Optional[str] = None,
        include_retired: bool = True,
        expand_depth: int = 1,
    ) -> Iterator[dict[str, Any]]:
        """Assets as the API serves them, in catalog order (the order of `q=localeAndType`).

        `asset_type` None means every type (COURSE, LEARNING_PATH, CHAPTER, VIDEO, in that order);
        `locale` None means every catalog locale (in CATALOG_LOCALES order).
        """
        for each_type in (asset_type,) if asset_type else ASSET_TYPES:
            for each_locale in (locale,) if locale else CATALOG_LOCALES:
                for ref in self.asset_refs(each_type, each_locale, include_retired):
                    yield self.render(ref, expand_depth)

    def asset_count_of(self, asset_type: str, locale: str, include_retired: bool = True) -> int:
        """How many assets `q=localeAndType` finds for this type and locale."""
        return self._index(asset_type, locale, include_retired).count()

    def asset(self, urn: str, expand_depth: int = 1) -> Optional[dict[str, Any]]:
        """One asset by URN (retired ones included), or None when no such asset exists."""
        ref = self.parse_urn(urn)
        return self.render(ref, expand_depth) if ref else None

    def touch_assets(self, count: Optional[int] = None, urns: Optional[Iterable[str]] = None,
                     at_ms: Optional[int] = None, locale: Optional[str] = None) -> list[str]:
        """Simulate catalog updates between syncs; returns the URNs touched.

        Either `urns` (any asset types) or `count` courses spread evenly over the catalog (over
        the courses of `locale` when given, retired ones included). Each touched asset gets
        `lastUpdatedAt = at_ms` (default: the current time) and its title gets the suffix
        " (updated N)", N counting the touches of that asset.
        """
        if urns is None:
            if not count:
                raise ValueError("give `count` or `urns`")
            if locale is None:
                indexes = range(self.scale.courses)
            else:
                indexes = [self.nth_ref("COURSE", locale, True, k)[1] for k in range(self.asset_count_of("COURSE", locale))]
            step = max(1, len(indexes) // count)
            urns = [self.course_urn(index) for index in indexes[::step][:count]]
        urns = list(urns)
        at = int(at_ms if at_ms is not None else time.time() * 1000)
        with self._lock:
            for urn in urns:
                if self.parse_urn(urn) is None:
                    raise ValueError(f"no asset {urn!r} in the dataset")
                revision = self._touched.get(urn, (0, 0))[1] + 1
                self._touched[urn] = (at, revision)
            self.version += 1
        return urns

    # ------------------------------------------------------------------------------------
    # Classifications: public API
    # ------------------------------------------------------------------------------------
    def classifications(self, type: Optional[str] = None, locale: Optional[str] = None) -> list[dict[str, Any]]:
        """Classification elements as `q=localeAndType` serves them (type order, then URN order).

        `type` None means every type; `locale` None means every catalog locale (the same URNs
        repeat with localized names).
        """
        result = []
        for each_locale in (locale,) if locale else CATALOG_LOCALES:
            for each_type in (type,) if type else CLASSIFICATION_TYPES:
                result.extend(self.classification(index, each_locale) for index in self._classes_by_type[each_type])
        return result

    def classification(self, key: int | str, locale: str = "en_US") -> Optional[dict[str, Any]]:
        """One classification element by index or URN, named in `locale` (en_US if not a catalog locale)."""
        index = self._class_index_by_urn.get(key) if isinstance(key, str) else key
        if index is None:
            return None
        if locale not in CATALOG_LOCALES:
            locale = "en_US"
        urn, kind, name, _parent = self._classes[index]
        return {"urn": urn, "type": kind, "name": locale_string(self._localized(name, locale), locale),
                "owner": self._linkedin_party(locale)}

    # ------------------------------------------------------------------------------------
    # Activity: public API
    # ------------------------------------------------------------------------------------
    def activity_report(
        self,
        started_at_ms: int,
        days: int,
        primary: str = "INDIVIDUAL",
        secondary: Optional[str] = None,
        content_source: str = "ALL_SOURCES",
        asset_type: Optional[str] = None,
    ) -> list[dict[str, Any]]:
        """Every element of `learningActivityReports?q=criteria` for the window
        [started_at_ms, started_at_ms + days) in the API's order (primary key, then secondary).

        A fact counts when its UTC day starts inside the window and the day ended before
        `latest_data_at`. Grains and their `activities`:

        * with CONTENT: SECONDS_VIEWED, VIEWS, COMPLETIONS (TOTAL, the content's assetType); then,
          with INDIVIDUAL, PROGRESS_PERCENTAGE (the highest reached in the window) and
          MARKED_AS_DONE (TOTAL); otherwise ENGAGED_LEARNERS (UNIQUE: distinct learners).
        * without CONTENT: DAYS_ACTIVE (UNIQUE: distinct learner-days) and VIEWS (UNIQUE:
          distinct learner-content pairs), both without assetType; then SECONDS_VIEWED, VIEWS,
          COMPLETIONS (TOTAL) for every reporting asset type (or only `asset_type`), zeros included.

        ACCOUNT alone always yields exactly one element; other grains yield one element per key
        with activity. `firstEngagedAt`/`lastEngagedAt` span the facts counted; an entry with no
        fact spans the window (its end capped at `latest_data_at`).
        """
        if primary not in AGGREGATIONS or (secondary is not None and secondary not in AGGREGATIONS):
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}")
        window_end = started_at_ms + days * DAY_MS
        facts = [f for f in self._visible_facts() if started_at_ms <= f.day_ms < window_end
                 and self._content_matches(f.content, content_source, asset_type)]
        dimensions = (primary,) if secondary in (None, primary) else (primary, secondary)
        groups: dict[tuple, list[_Fact]] = {}
        for fact in facts:
            groups.setdefault(tuple(self._dimension_key(d, fact) for d in dimensions), []).append(fact)
        if dimensions == ("ACCOUNT",) and not groups:
            groups[(0,)] = []
        window = (started_at_ms, min(window_end, self.latest_data_at))
        return [self._report_element(dimensions, key, groups[key], window, asset_type) for key in sorted(groups)]

    def add_late_activity(
        self,
        day_ms: int,
        learner: int = 0,
        content_urn: Optional[str] = None,
        seconds_viewed: int = 600,
        views: int = 1,
        completions: int = 0,
        progress_percentage: int = 10,
        marked_as_done: int = 0,
    ) -> dict[str, Any]:
        """Add engagement to a past day, as data that arrives late does; returns the fact added.

        `day_ms` is any time within the UTC day; `content_urn` defaults to the first content of
        the pool (a course). The fact counts in reports only if its day ended before
        `latest_data_at`.
        """
        day = day_ms - day_ms % DAY_MS
        content = 0 if content_urn is None else self._content_index_by_urn[content_urn]
        first = day + 12 * HOUR_MS
        fact = _Fact(learner, content, day, first, first + seconds_viewed * 1000, seconds_viewed, views,
                     completions, progress_percentage, marked_as_done)
        with self._lock:
            self._late_facts.append(fact)
            self.version += 1
        return {"learner": self.learner(learner), "content_urn": self._contents[content].urn, "day_ms": day,
                "seconds_viewed": seconds_viewed, "views": views, "completions": completions}

    def learner(self, index: int) -> dict[str, Any]:
        """`learnerDetails` of one learner (as INDIVIDUAL reports show it)."""
        first, last = _FIRST_NAMES[_mix(self.seed, 21, index) % len(_FIRST_NAMES)], _LAST_NAMES[_mix(self.seed, 22, index) % len(_LAST_NAMES)]
        local = _slug(f"{first}.{last}").replace("-", ".")
        return {
            "name": f"{first} {last}",
            "email": f"{local}{index}@sandbox-corp.example",
            "uniqueUserId": f"E{100_000 + index}",
            "enterpriseGroups": [self._learner_group(index)],
            "entity": {"profileUrn": f"urn:li:enterpriseProfile:({ACCOUNT_URN},{30_000 + index})"},
        }

    @property
    def learner_count(self) -> int:
        return self.scale.learners

    # ------------------------------------------------------------------------------------
    # Catalog internals (used by the app too)
    # ------------------------------------------------------------------------------------
    def asset_refs(self, asset_type: str, locale: str, include_retired: bool) -> Iterator[tuple]:
        """References (see `render`) of the assets `q=localeAndType` finds, in order."""
        index = self._index(asset_type, locale, include_retired)
        for k in range(index.count()):
            yield self.nth_ref(asset_type, locale, include_retired, k)

    def nth_ref(self, asset_type: str, locale: str, include_retired: bool, k: int) -> tuple:
        """The k-th asset `q=localeAndType` finds: a reference `(type, course-or-path index, chapter, video)`."""
        block, entry = self._index(asset_type, locale, include_retired).nth(k)
        item = block * _PATTERN_SIZE + entry[0]
        if asset_type in ("COURSE", "LEARNING_PATH"):
            return (asset_type, item)
        if asset_type == "CHAPTER":
            return ("CHAPTER", item, entry[1])
        return ("VIDEO", item, entry[1], entry[2])

    def parse_urn(self, urn: str) -> Optional[tuple]:
        """The reference of an asset URN, or None when the dataset has no such asset."""
        match = _URN.fullmatch(urn)
        if not match:
            return None
        kind, number, course_number, child_number = match.groups()
        if kind == "lyndaLearningPath":
            if number is None:
                return None
            index = int(number) - _PATH_ID_BASE
            return ("LEARNING_PATH", index) if 0 <= index < self.scale.learning_paths else None
        course = int(course_number if course_number else number) - _COURSE_ID_BASE
        if not 0 <= course < self.scale.courses:
            return None
        if kind == "lyndaCourse":
            return None if course_number else ("COURSE", course)
        if not course_number:
            return None
        block, slot = divmod(course, _PATTERN_SIZE)
        if kind == "lyndaChapter":
            chapter = int(child_number) - _CHAPTER_ID_BASE - block * self._chapters_per_block - self._chapter_offset[slot]
            return ("CHAPTER", course, chapter) if 0 <= chapter < len(self._slots[slot].videos_per_chapter) else None
        video = int(child_number) - _VIDEO_ID_BASE - block * self._videos_per_block - self._video_offset[slot]
        for chapter, size in enumerate(self._slots[slot].videos_per_chapter):
            if 0 <= video < size:
                return ("VIDEO", course, chapter, video)
            video -= size
        return None

    def ref_urn(self, ref: tuple) -> str:
        kind = ref[0]
        if kind == "COURSE":
            return self.course_urn(ref[1])
        if kind == "LEARNING_PATH":
            return f"urn:li:lyndaLearningPath:{_PATH_ID_BASE + ref[1]}"
        block, slot = divmod(ref[1], _PATTERN_SIZE)
        if kind == "CHAPTER":
            number = _CHAPTER_ID_BASE + block * self._chapters_per_block + self._chapter_offset[slot] + ref[2]
            return f"urn:li:lyndaChapter:({self.course_urn(ref[1])},{number})"
        position = sum(self._slots[slot].videos_per_chapter[: ref[2]]) + ref[3]
        number = _VIDEO_ID_BASE + block * self._videos_per_block + self._video_offset[slot] + position
        return f"urn:li:lyndaVideo:({self.course_urn(ref[1])},{number})"

    @staticmethod
    def course_urn(index: int) -> str:
        return f"urn:li:lyndaCourse:{_COURSE_ID_BASE + index}"

    def ref_locale(self, ref: tuple) -> str:
        return self._slots[ref[1] % _PATTERN_SIZE].locale

    def ref_retired(self, ref: tuple) -> bool:
        return self._slots[ref[1] % _PATTERN_SIZE].retired

    def ref_level(self, ref: tuple) -> str:
        return DIFFICULTY_LEVELS[_mix(self.seed, 3, ref[1], ref[0] == "LEARNING_PATH") % 3]

    def ref_last_updated_at(self, ref: tuple) -> int:
        """`details.lastUpdatedAt` (cheap: used by the criteria finder's scans)."""
        touched = self._touched.get(self.ref_urn(ref)) if self._touched else None
        return touched[0] if touched else self._timestamps(ref)[1]

    def ref_published_at(self, ref: tuple) -> int:
        return self._timestamps(ref)[0]

    def ref_popularity(self, ref: tuple) -> int:
        """A view count (the criteria finder's POPULARITY order)."""
        return _mix(self.seed, 25, *ref[1:]) % 100_000

    def ref_curated(self, ref: tuple) -> bool:
        """`details.curatedForLearningManagementSystem` (videos only)."""
        return ref[0] == "VIDEO" and _mix(self.seed, 13, ref[1], ref[2], ref[3]) % 5 == 0

    def ref_title(self, ref: tuple) -> str:
        """`title.value`: touched assets carry their revision."""
        return _revised(self._base_title(ref), self._touched.get(self.ref_urn(ref)) if self._touched else None)

    def _base_title(self, ref: tuple) -> str:
        kind, item = ref[0], ref[1]
        locale = self.ref_locale(ref)
        language = locale[:2]
        if kind in ("COURSE", "LEARNING_PATH"):
            salt = 1 if kind == "COURSE" else 2
            topic = _TOPIC_WORDS[_mix(self.seed, salt, item, 1) % len(_TOPIC_WORDS)]
            templates = _TITLE_TEMPLATES[language]
            title = templates[_mix(self.seed, salt, item, 2) % len(templates)].format(topic=topic)
            if kind == "LEARNING_PATH":
                title = f"{title} Path" if language == "en" else f"{title} ({_LANGUAGE_LABELS[language]})"
        elif kind == "CHAPTER":
            title = f"{ref[2] + 1}. {_CHAPTER_WORDS[_mix(self.seed, 4, item, ref[2]) % len(_CHAPTER_WORDS)]}"
        else:
            title = _VIDEO_WORDS[_mix(self.seed, 5, item, ref[2], ref[3]) % len(_VIDEO_WORDS)]
        return title

    def ref_classification_indexes(self, ref: tuple) -> list[int]:
        """The course's (or path's) classifications: its TOPIC first, then its SKILLs."""
        item, salt = ref[1], 6 if ref[0] == "LEARNING_PATH" else 7
        topics, skills = self._classes_by_type["TOPIC"], self._classes_by_type["SKILL"]
        chosen = [topics[_mix(self.seed, salt, item) % len(topics)]]
        for n in range(1 + _mix(self.seed, salt, item, 1) % 3):
            skill = skills[_mix(self.seed, salt, item, 2, n) % len(skills)]
            if skill not in chosen:
                chosen.append(skill)
        return chosen

    def classification_with_descendants(self, urn: str) -> set[int]:
        """Indexes of a classification and of everything below it (a LIBRARY covers its SUBJECTs and TOPICs)."""
        root = self._class_index_by_urn.get(urn)
        if root is None:
            return set()
        found = {root}
        for index, entry in enumerate(self._classes):
            parent = entry[3]
            while parent is not None and index not in found:
                if parent == root:
                    found.add(index)
                parent = self._classes[parent][3]
        return found

    def render(self, ref: tuple, expand_depth: int = 1, level: int = 1, strict_depth: bool = False) -> dict[str, Any]:
        """The API element of an asset reference at `expand_depth` (see the module docstring).

        `strict_depth`: the stricter reading of expandDepth, under which an asset lists its
        children only when they are within the depth (a course's chapters from depth 2 on)."""
        locale = self.ref_locale(ref)
        urn = self.ref_urn(ref)
        touched = self._touched.get(urn) if self._touched else None
        base_title = self._base_title(ref)
        element: dict[str, Any] = {
            "urn": urn,
            "type": ref[0],
            "title": locale_string(_revised(base_title, touched), locale),
        }
        if level > expand_depth:
            return element
        element["details"] = self._details(ref, locale, urn, base_title, touched)
        children = self._children(ref)
        if children is not None and not (strict_depth and level >= expand_depth):
            element["contents"] = [{"asset": self.render(child, expand_depth, level + 1, strict_depth)} for child in children]
        return element

    # ------------------------------------------------------------------------------------
    # Catalog internals
    # ------------------------------------------------------------------------------------
    def _build_pattern(self) -> None:
        rng = random.Random(f"linkedin-learning-catalog-{self.seed}")
        locales = ["en_US"] * 70 + ["fr_FR"] * 8 + ["de_DE"] * 8 + ["es_ES"] * 7 + ["ja_JP"] * 7
        rng.shuffle(locales)
        self._slots = [
            _Slot(locale, slot % 10 == 7, tuple(rng.randint(1, 3) for _ in range(rng.randint(1, 4))))
            for slot, locale in enumerate(locales)
        ]
        self._chapter_offset, self._video_offset = [], []
        chapters = videos = 0
        for slot in self._slots:
            self._chapter_offset.append(chapters)
            self._video_offset.append(videos)
            chapters += len(slot.videos_per_chapter)
            videos += sum(slot.videos_per_chapter)
        self._chapters_per_block, self._videos_per_block = chapters, videos
        # Video lengths repeat with the slot pattern, so course and chapter lengths are lookups.
        self._slot_seconds = []
        for slot in self._slots:
            videos_seconds = tuple(tuple(rng.randint(45, 645) for _ in range(size)) for size in slot.videos_per_chapter)
            chapter_seconds = tuple(sum(each) for each in videos_seconds)
            self._slot_seconds.append((sum(chapter_seconds), chapter_seconds, videos_seconds))
        self._indexes: dict[tuple[str, str, bool], _PatternIndex] = {}

    def _index(self, asset_type: str, locale: str, include_retired: bool) -> _PatternIndex:
        key = (asset_type, locale, include_retired)
        index = self._indexes.get(key)
        if index is None:
            entries: list[tuple[int, ...]] = []
            for number, slot in enumerate(self._slots):
                if slot.locale != locale or (slot.retired and not include_retired):
                    continue
                if asset_type in ("COURSE", "LEARNING_PATH"):
                    entries.append((number,))
                elif asset_type == "CHAPTER":
                    entries.extend((number, chapter) for chapter in range(len(slot.videos_per_chapter)))
                else:
                    entries.extend((number, chapter, video) for chapter, size in enumerate(slot.videos_per_chapter)
                                   for video in range(size))
            slot_count = self.scale.learning_paths if asset_type == "LEARNING_PATH" else self.scale.courses
            index = self._indexes[key] = _PatternIndex(entries, slot_count)
        return index

    def _timestamps(self, ref: tuple) -> tuple[int, int, Optional[int]]:
        """Generated (publishedAt, lastUpdatedAt, retiredAt) of a course or path (chapters/videos share their course's)."""
        item, salt = ref[1], 8 if ref[0] == "LEARNING_PATH" else 9
        latest = self.anchor_day_ms - DAY_MS
        published = self.anchor_day_ms - (30 + _mix(self.seed, salt, item) % 700) * DAY_MS + _mix(self.seed, salt, item, 1) % DAY_MS
        updated = published + _mix(self.seed, salt, item, 2) % (latest - published)
        if not self._slots[item % _PATTERN_SIZE].retired:
            return published, updated, None
        retired = published + _mix(self.seed, salt, item, 3) % (latest - published)
        return published, max(updated, retired), retired

    def _children(self, ref: tuple) -> Optional[list[tuple]]:
        kind, item = ref[0], ref[1]
        if kind == "COURSE":
            return [("CHAPTER", item, chapter) for chapter in range(len(self._slots[item % _PATTERN_SIZE].videos_per_chapter))]
        if kind == "CHAPTER":
            return [("VIDEO", item, ref[2], video) for video in range(self._slots[item % _PATTERN_SIZE].videos_per_chapter[ref[2]])]
        if kind == "LEARNING_PATH":
            return [("COURSE", course) for course in self._path_courses(item)]
        return None

    def _path_courses(self, path: int) -> list[int]:
        """Courses of the path's locale: a run of consecutive ones in catalog order."""
        locale = self._slots[path % _PATTERN_SIZE].locale
        available = self._index("COURSE", locale, True)
        total = available.count()
        if not total:
            return []
        start, size = _mix(self.seed, 10, path) % total, 2 + _mix(self.seed, 10, path, 1) % 4
        return sorted({self.nth_ref("COURSE", locale, True, (start + n) % total)[1] for n in range(min(size, total))})

    def _duration_seconds(self, ref: tuple) -> int:
        kind = ref[0]
        if kind == "LEARNING_PATH":
            return sum(self._slot_seconds[course % _PATTERN_SIZE][0] for course in self._path_courses(ref[1]))
        seconds = self._slot_seconds[ref[1] % _PATTERN_SIZE]
        if kind == "COURSE":
            return seconds[0]
        if kind == "CHAPTER":
            return seconds[1][ref[2]]
        return seconds[2][ref[2]][ref[3]]

    def _details(self, ref: tuple, locale: str, urn: str, base_title: str, touched: Optional[tuple[int, int]]) -> dict[str, Any]:
        kind, item = ref[0], ref[1]
        published, updated, retired = self._timestamps(ref)
        if touched:
            updated = touched[0]
        owner_ref = ref if kind in ("COURSE", "LEARNING_PATH") else ("COURSE", item)
        course_title = base_title if owner_ref is ref else self._base_title(owner_ref)
        seconds = self._duration_seconds(ref)
        summary = f"{course_title}: {_VIDEO_WORDS[_mix(self.seed, 12, item) % len(_VIDEO_WORDS)].lower()} and practice."
        slug = _slug(urn.rsplit(":", 1)[-1] + "-" + base_title)
        details: dict[str, Any] = {
            "availability": "RETIRED" if retired else "AVAILABLE",
            "level": self.ref_level(owner_ref),
            "publishedAt": published,
            "lastUpdatedAt": updated,
        }
        if retired:
            details["retiredAt"] = retired
        details.update({
            "availableLocales": [locale_object(locale)],
            "description": locale_string(f"{summary} Includes {seconds // 60} minutes of material.", locale),
            "descriptionIncludingHtml": locale_string(f"<p>{summary}</p><p>Includes {seconds // 60} minutes of material.</p>", locale),
            "shortDescription": locale_string(summary, locale),
            "images": {"primary": f"https://media.licdn.com/sandbox/{kind.lower()}/{slug}-16x9.jpg"},
            "urls": {"webLaunch": f"https://www.linkedin.com/learning/{slug}",
                     "ssoLaunch": f"https://www.linkedin.com/learning-login/share?account={ACCOUNT_ID}&forceAccount=true&redirect=https%3A%2F%2Fwww.linkedin.com%2Flearning%2F{slug}"},
            "timeToComplete": ({"duration": max(1, seconds // 60), "unit": "MINUTE"} if kind == "LEARNING_PATH"
                               else {"duration": seconds, "unit": "SECOND"}),
            "contributors": self._contributors(owner_ref, locale),
            "classifications": [self._asset_classification(index, locale) for index in self.ref_classification_indexes(owner_ref)],
            "relationships": [],
        })
        if kind == "VIDEO":
            details["curatedForLearningManagementSystem"] = self.ref_curated(ref)
        return details

    def _contributors(self, ref: tuple, locale: str) -> list[dict[str, Any]]:
        pool = max(20, min(self.scale.courses // 4, 5_000))
        salt = 14 if ref[0] == "COURSE" else 15
        authors = sorted({_mix(self.seed, salt, ref[1], n) % pool for n in range(1 + _mix(self.seed, salt, ref[1]) % 2)})
        contributors = [self._author(a, locale) for a in authors]
        if _mix(self.seed, salt, ref[1], 99) % 5 == 0:
            contributors.append({"name": locale_string("LinkedIn", locale), "urn": "urn:li:company:1337",
                                 "contributionType": "PUBLISHER"})
        return contributors

    def _author(self, author: int, locale: str) -> dict[str, Any]:
        cached = self._author_cache.get((author, locale))
        if cached is None:
            name = f"{_FIRST_NAMES[_mix(self.seed, 16, author) % len(_FIRST_NAMES)]} {_LAST_NAMES[_mix(self.seed, 17, author) % len(_LAST_NAMES)]}"
            cached = self._author_cache[(author, locale)] = {
                "name": locale_string(name, locale), "urn": f"urn:li:lyndaAuthor:{_AUTHOR_ID_BASE + author}",
                "contributionType": "AUTHOR"}
        return cached

    def _asset_classification(self, index: int, locale: str) -> dict[str, Any]:
        # Shared by every asset tagged with it (elements are read-only), which keeps pages fast.
        cached = self._asset_classification_cache.get((index, locale))
        if cached is None:
            path, parent = [], self._classes[index][3]
            while parent is not None:
                path.insert(0, self.classification(parent, locale))
                parent = self._classes[parent][3]
            cached = self._asset_classification_cache[(index, locale)] = {
                "associatedClassification": self.classification(index, locale), "path": path,
                "assigner": self._linkedin_party(locale)}
        return cached

    @staticmethod
    def _linkedin_party(locale: str) -> dict[str, Any]:
        return {"name": locale_string("LinkedIn", locale), "urn": "urn:li:company:1337"}

    # ------------------------------------------------------------------------------------
    # Classification internals
    # ------------------------------------------------------------------------------------
    def _build_classifications(self) -> None:
        """Entries (urn, type, English name, parent index) in URN order within each type."""
        scale = self.scale
        classes: list[tuple[str, str, str, Optional[int]]] = []
        by_type: dict[str, list[int]] = {kind: [] for kind in CLASSIFICATION_TYPES}
        category = _CATEGORY_ID_BASE

        def add(kind: str, name: str, parent: Optional[int], urn: str) -> int:
            classes.append((urn, kind, name, parent))
            by_type[kind].append(len(classes) - 1)
            return len(classes) - 1

        libraries = []
        for n in range(scale.libraries):
            libraries.append(add("LIBRARY", _LIBRARY_NAMES[n % len(_LIBRARY_NAMES)], None, f"urn:li:lyndaCategory:{category}"))
            category += 1
        subjects = []
        for library in libraries:
            for n in range(scale.subjects_per_library):
                name = f"{classes[library][2]} {_SUBJECT_WORDS[(n + library) % len(_SUBJECT_WORDS)]}"
                subjects.append(add("SUBJECT", name, library, f"urn:li:lyndaCategory:{category}"))
                category += 1
        for subject in subjects:
            for n in range(scale.topics_per_subject):
                topic = _TOPIC_WORDS[_mix(self.seed, 18, subject, n) % len(_TOPIC_WORDS)]
                add("TOPIC", f"{topic} in {classes[subject][2]}", subject, f"urn:li:lyndaCategory:{category}")
                category += 1
        for n in range(scale.skills):
            base = _SKILL_WORDS[n % len(_SKILL_WORDS)]
            add("SKILL", base if n < len(_SKILL_WORDS) else f"{base} {n // len(_SKILL_WORDS) + 1}", None, f"urn:li:skill:{_SKILL_ID_BASE + n}")
        self._classes = classes
        self._classes_by_type = by_type
        self._class_index_by_urn = {entry[0]: index for index, entry in enumerate(classes)}
        self._asset_classification_cache: dict[tuple[int, str], dict[str, Any]] = {}
        self._author_cache: dict[tuple[int, str], dict[str, Any]] = {}

    @staticmethod
    def _localized(name: str, locale: str) -> str:
        return name if locale == "en_US" else f"{name} · {_LANGUAGE_LABELS[locale[:2]]}"

    # ------------------------------------------------------------------------------------
    # Activity internals
    # ------------------------------------------------------------------------------------
    def _build_activity(self) -> None:
        scale = self.scale
        contents: list[_Content] = []
        course_pool = min(scale.courses, 2_000)
        for n in range(max(1, course_pool // 4)):
            course = _mix(self.seed, 19, n) % scale.courses
            contents.append(_Content(self.course_urn(course), "COURSE", "LINKEDIN_LEARNING", "LinkedIn",
                                     self.ref_locale(("COURSE", course))))
        for n in range(max(1, min(scale.learning_paths, 200) // 4)):
            path = _mix(self.seed, 20, n) % scale.learning_paths
            contents.append(_Content(self.ref_urn(("LEARNING_PATH", path)), "LEARNING_PATH", "LINKEDIN_LEARNING",
                                     "LinkedIn", self.ref_locale(("LEARNING_PATH", path))))
        for n in range(max(1, course_pool // 8)):
            course = _mix(self.seed, 23, n) % scale.courses
            contents.append(_Content(self.ref_urn(("VIDEO", course, 0, 0)), "VIDEO", "LINKEDIN_LEARNING", "LinkedIn",
                                     self.ref_locale(("COURSE", course))))
        for n in range(scale.custom_contents):
            asset_type = _CUSTOM_ASSET_TYPES[n % len(_CUSTOM_ASSET_TYPES)]
            if n % 2 == 0:
                contents.append(_Content(f"urn:li:learningCustomContent:({ACCOUNT_URN},{500 + n})", asset_type,
                                         "ORGANIZATION", ORGANIZATION_NAME, "en_US", f"{ORGANIZATION_NAME} {asset_type.title()} {n}"))
            else:
                provider = THIRD_PARTY_PROVIDERS[n % len(THIRD_PARTY_PROVIDERS)]
                contents.append(_Content(f"urn:li:learningCustomContent:{800 + n}", asset_type, "THIRD_PARTY",
                                         provider, "en_US", f"{provider}: {_TOPIC_WORDS[n % len(_TOPIC_WORDS)]} {asset_type.title()}"))
        unique: dict[str, _Content] = {}
        for content in contents:
            unique.setdefault(content.urn, content)
        self._contents = list(unique.values())
        self._content_index_by_urn = {c.urn: index for index, c in enumerate(self._contents)}

        facts: list[_Fact] = []
        first_day = self.anchor_day_ms - (scale.activity_days - 1) * DAY_MS
        for learner in range(scale.learners):
            for enrollment in range(2 + _mix(self.seed, 30, learner) % 5):
                h = _mix(self.seed, 31, learner, enrollment)
                content = h % len(self._contents)
                day = h // 7 % scale.activity_days
                progress = 0
                for session in range(1 + h // 11 % 5):
                    if day >= scale.activity_days:
                        break
                    s = _mix(self.seed, 32, learner, enrollment, session)
                    seconds = 120 + s % 2_400
                    before = progress
                    progress = min(100, progress + 10 + s // 13 % 45)
                    completed = int(progress == 100 and before < 100)
                    day_ms = first_day + day * DAY_MS
                    first = day_ms + (7 + s // 17 % 12) * HOUR_MS + s // 19 % HOUR_MS
                    facts.append(_Fact(learner, content, day_ms, first, first + seconds * 1000, seconds,
                                       1 + s // 23 % 4, completed, progress, int(completed and s // 29 % 3 == 0)))
                    day += 1 + s // 31 % 4
        self._facts = facts

    def _visible_facts(self) -> list[_Fact]:
        with self._lock:
            late = list(self._late_facts)
        return [f for f in self._facts + late if f.day_ms + DAY_MS <= self.latest_data_at]

    def _content_matches(self, content: int, content_source: str, asset_type: Optional[str]) -> bool:
        item = self._contents[content]
        return (content_source == "ALL_SOURCES" or item.source == content_source) and asset_type in (None, item.asset_type)

    def _learner_group(self, learner: int) -> str:
        return _GROUPS[_mix(self.seed, 24, learner) % len(_GROUPS)]

    def _dimension_key(self, dimension: str, fact: _Fact) -> Any:
        if dimension == "INDIVIDUAL":
            return fact.learner
        if dimension == "CONTENT":
            return self._contents[fact.content].urn
        if dimension == "GROUP":
            return _GROUPS.index(self._learner_group(fact.learner))
        return 0

    def _content_details(self, urn: str) -> dict[str, Any]:
        content = self._contents[self._content_index_by_urn[urn]]
        name = content.custom_name
        if not name:
            ref = self.parse_urn(urn)
            name = self.ref_title(ref)
        return {"name": name, "contentProviderName": content.provider, "contentUrn": urn,
                "locale": locale_object(content.locale)}

    def _report_element(self, dimensions: tuple[str, ...], key: tuple, facts: list[_Fact],
                        window: tuple[int, int], asset_type: Optional[str]) -> dict[str, Any]:
        keyed = dict(zip(dimensions, key))
        element: dict[str, Any] = {"latestDataAt": self.latest_data_at}
        if "INDIVIDUAL" in keyed:
            element["learnerDetails"] = self.learner(keyed["INDIVIDUAL"])
        elif "GROUP" in keyed:
            element["learnerDetails"] = {"name": _GROUPS[keyed["GROUP"]],
                                         "entity": {"groupUrn": f"urn:li:enterpriseGroup:({ACCOUNT_URN},{40 + keyed['GROUP']})"}}
        elif "ACCOUNT" in keyed:
            element["learnerDetails"] = {"entity": {"accountUrn": ACCOUNT_URN}}
        if "CONTENT" in keyed:
            element["contentDetails"] = self._content_details(keyed["CONTENT"])
        element["activities"] = self._activities(dimensions, facts, window, asset_type)
        return element

    def _activities(self, dimensions: tuple[str, ...], facts: list[_Fact], window: tuple[int, int],
                    asset_type: Optional[str]) -> list[dict[str, Any]]:
        def entry(kind: str, value: int, qualifier: str, subset: list[_Fact], of_type: Optional[str]) -> dict[str, Any]:
            first = min((f.first_engaged_at for f in subset), default=window[0])
            last = max((f.last_engaged_at for f in subset), default=window[1])
            item: dict[str, Any] = {"engagementType": kind, "engagementValue": value, "engagementMetricQualifier": qualifier}
            if of_type:
                item["assetType"] = of_type
            item.update({"firstEngagedAt": first, "lastEngagedAt": last})
            return item

        if "CONTENT" in dimensions:
            of_type = self._contents[facts[0].content].asset_type
            activities = [
                entry("SECONDS_VIEWED", sum(f.seconds_viewed for f in facts), "TOTAL", facts, of_type),
                entry("VIEWS", sum(f.views for f in facts), "TOTAL", facts, of_type),
                entry("COMPLETIONS", sum(f.completions for f in facts), "TOTAL", facts, of_type),
            ]
            if "INDIVIDUAL" in dimensions:
                activities.append(entry("PROGRESS_PERCENTAGE", max(f.progress_percentage for f in facts), "TOTAL", facts, of_type))
                activities.append(entry("MARKED_AS_DONE", sum(f.marked_as_done for f in facts), "TOTAL", facts, of_type))
            else:
                activities.append(entry("ENGAGED_LEARNERS", len({f.learner for f in facts}), "UNIQUE", facts, of_type))
            return activities
        activities = [
            entry("DAYS_ACTIVE", len({(f.learner, f.day_ms) for f in facts}), "UNIQUE", facts, None),
            entry("VIEWS", len({(f.learner, f.content) for f in facts if f.views}), "UNIQUE", facts, None),
        ]
        for each_type in (asset_type,) if asset_type else REPORT_ASSET_TYPES:
            subset = [f for f in facts if self._contents[f.content].asset_type == each_type]
            activities.append(entry("SECONDS_VIEWED", sum(f.seconds_viewed for f in subset), "TOTAL", subset, each_type))
            activities.append(entry("VIEWS", sum(f.views for f in subset), "TOTAL", subset, each_type))
            activities.append(entry("COMPLETIONS", sum(f.completions for f in subset), "TOTAL", subset, each_type))
        return activities


_URN = re.compile(r"urn:li:(lyndaCourse|lyndaLearningPath|lyndaChapter|lyndaVideo):(?:(\d+)|\(urn:li:lyndaCourse:(\d+),(\d+)\))")
