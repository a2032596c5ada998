"""The demo data generator: deterministic for a seed, no database access.

It produces rows as two parallel lists per record: the values the database stores and the
same values encoded as canonical JSON (for the journal body). Text comes from pools built
once per (industry, category, subcategory, language) with their JSON encodings precomputed,
so a million cases cost string lookups rather than a million `json.dumps` calls.
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Iterator, Sequence

from caseledger.core.timetext import DAY_US, LocalCalendar, TimeText
from caseledger.demo import texts
from caseledger.demo.pools import (
    Pools,
)
from caseledger.demo.profiles import (
    CHANNELS,
    DEPARTMENT_WEIGHTS,
    HOUR_US,
    HOURS_TO_CLOSE,
    PRIORITY_OF,
    PROFILES,
    SATISFACTION,
    SERIOUS,
    SEVERITIES,
    UNLIKELY,
    UNMARKED_CASE,
    UNMARKED_CUSTOMER,
    expand,
)
from caseledger.demo.rows import (
    Row,
    Sensitive,
    Staff,
    bank_card,
    resident_id,
)
from caseledger.journal.bulk import encode, encode_str


class Generator:
    def __init__(
        self,
        *,
        seed: int,
        start_day: int,
        end_day: int,
        calendar: LocalCalendar,
        timetext: TimeText,
        staff: dict[str, Staff],
        reverify_days: dict[str, int] | None = None,
    ) -> None:
        """Days are local day indexes; cases are received in [start_day, end_day).
        `reverify_days`: the contact re-verification cycle by relationship status."""
        self.rng = random.Random(seed)
        self.seed = seed
        self.start_day = start_day
        self.end_day = end_day
        self.calendar = calendar
        self.tt = timetext
        self.staff = staff
        self.reverify_days = reverify_days or {"active": 90, "prospect": 180, "other": 365}
        self.end_us = calendar.local_midnight_us(end_day)
        self.pools = Pools(seed)
        self._enc: dict[str, str] = {}
        self._dept_of_industry = {i: expand(w) for i, w in DEPARTMENT_WEIGHTS.items()}
        self._profiles = {
            (d, i): [
                (k, c, s) for k, c, s, w in p for _ in range(w) if c not in UNLIKELY.get(i, ())
            ]
            or [("inquiry", "other", "")]
            for d, p in PROFILES.items()
            for i in texts.INDUSTRIES
        }
        self._channels = expand(CHANNELS)
        self._severities = expand(SEVERITIES)
        # Filled by customers(): what cases need to know about each customer.
        self.customer_created: list[int] = []
        self.customer_department: list[str] = []
        self.customer_industry: list[str] = []
        self._resident_ids: list[str] = []

    def e(self, text: str) -> str:
        """JSON encoding of a short repeated string (choice values), memoized."""
        found = self._enc.get(text)
        if found is None:
            found = self._enc[text] = encode_str(text)
        return found

    def _moment(self, day: int, r: float) -> int:
        """A moment on a local day, mostly in business hours."""
        if r < 0.85:
            local = int(8 * HOUR_US + self.rng.random() * 13 * HOUR_US)
        else:
            local = int(self.rng.random() * DAY_US)
        return day * DAY_US + local - self.calendar.offset_us(day) + 1

    # --- customers -------------------------------------------------------------------

    def customers(self, count: int) -> Iterator[tuple[Row, list[Row], list[Sensitive]]]:
        """Customers oldest first, each with its contact points (ids and customer_id None)
        and its sensitive identifiers in plaintext (the loader encrypts them)."""
        rng = self.rng
        legacy_start = self.start_day - 550
        moments = []
        for _ in range(count):
            if rng.random() < 0.35:
                day = legacy_start + int(rng.random() * (self.start_day - legacy_start))
            else:
                day = self.start_day + int(rng.random() * (self.end_day - self.start_day))
            moments.append(self._moment(day, rng.random()))
        moments.sort()
        for index, created in enumerate(moments):
            yield self._customer(index, created)

    def _customer(self, index: int, created: int) -> tuple[Row, list[Row], list[Sensitive]]:
        """Long because every random draw for a customer is made here in one fixed
        order: the seed reproduces the data only while that order holds."""
        rng = self.rng
        person = rng.random() < 0.7
        industry = rng.choice(texts.PERSON_INDUSTRIES if person else texts.ORG_INDUSTRIES)
        department = rng.choice(self._dept_of_industry[industry])
        if person:
            surname, pinyin = rng.choice(texts.SURNAMES)
            name = surname + "".join(rng.choice(texts.GIVEN) for _ in range(rng.choice((1, 2))))
            mail_local = f"{pinyin}.{index + 1}"
        elif rng.random() < 0.2:
            name = f"{rng.choice(texts.EN_FIRM_WORDS)} {rng.choice(texts.EN_FIRM_KINDS)} Co., Ltd."
            mail_local = f"contact.{index + 1}"
        else:
            name = (
                f"{rng.choice(texts.CITIES)}{rng.choice(texts.FIRM_WORDS)}"
                f"{rng.choice(texts.FIRM_KINDS)}有限公司"
            )
            mail_local = f"service.{index + 1}"
        r = rng.random()
        status = (
            "active" if r < 0.8 else "dormant" if r < 0.9 else "ended" if r < 0.97 else "prospect"
        )
        ended_on = None
        if status == "ended":
            end_day = created // DAY_US + rng.randint(30, 900)
            ended_on = self.tt.day(min(end_day, self.end_day - 1))
        tags = sorted(set(rng.sample(texts.TAGS, rng.choice((0, 0, 0, 1, 1, 2)))))
        tags.append(industry)
        tags = sorted(set(tags))
        db_time, json_time = self.tt.pair(created)
        dept_id = self.staff[department].department_id
        values = [
            None,
            "person" if person else "organisation",
            name,
            dept_id,
            status,
            ended_on,
            json.dumps(tags),
            db_time,
            db_time,
            1,
            *UNMARKED_CUSTOMER[0],
        ]
        encoded = [
            "",  # id, filled in by the loader
            self.e(str(values[1])),
            encode_str(name),
            str(dept_id),
            self.e(status),
            "null" if ended_on is None else f'"{ended_on}"',
            encode(tags),
            json_time,
            json_time,
            "1",
            *UNMARKED_CUSTOMER[1],
        ]
        cycle = self.reverify_days.get(status, self.reverify_days["other"])
        contacts = [self._contact("phone", self._mobile(), created, True, cycle)]
        if not person or rng.random() < 0.6:
            email = f"{mail_local}@{rng.choice(texts.EMAIL_DOMAINS)}"
            contacts.append(self._contact("email", email, created, False, cycle))
        if not person:
            address = (
                f"{rng.choice(texts.CITIES)}市{rng.choice(texts.DISTRICTS)}"
                f"{rng.choice(texts.STREETS)}{rng.randint(1, 999)}号"
            )
            contacts.append(self._contact("address", address, created, False, cycle))
        sensitive = self._sensitive(created) if person and rng.random() < 0.43 else []
        self.customer_created.append(created)
        self.customer_department.append(department)
        self.customer_industry.append(industry)
        return Row(values, encoded), contacts, sensitive

    def _sensitive(self, created: int) -> list[Sensitive]:
        """A person's identifiers, as entered in the hour after the customer was: a resident
        ID (sometimes one already recorded for another customer: a probable duplicate),
        often a bank card, sometimes a passport or a health note."""
        r = self.rng.random
        if self._resident_ids and r() < 0.003:
            resident = self._resident_ids[int(r() * len(self._resident_ids))]
        else:
            resident = resident_id(self.rng)
            self._resident_ids.append(resident)
        values = [("resident_id", resident)]
        if r() < 0.5:
            values.append(("bank_card", bank_card(self.rng)))
        if r() < 0.08:
            values.append(("passport", f"E{self.rng.randrange(10**8):08d}"))
        if r() < 0.05:
            values.append(("health", self.rng.choice(texts.HEALTH_NOTES)))
        # Strictly after one another (each add changes updated_at) and before the end.
        room = max(1, (self.end_us - 1 - created) // (len(values) + 1))
        at = created
        entered = []
        for kind, value in values:
            at += max(1, min(int((1 + r() * 20) * 60_000_000), room))
            entered.append(Sensitive(kind, value, at))
        return entered

    def _mobile(self) -> str:
        return f"+86{self.rng.choice(texts.MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def _contact(self, kind: str, value: str, created: int, primary: bool, cycle: int) -> Row:
        """Most contact points were verified within their customer's cycle; about one in
        six is overdue (freshness flags), a few were never verified."""
        db_time, json_time = self.tt.pair(created)
        r = self.rng.random()
        verified_at: int | None = None
        if r < 0.80:
            verified_at = self.end_us - int(self.rng.random() * 0.95 * cycle * DAY_US)
        elif r < 0.95:
            verified_at = self.end_us - int((1.05 + self.rng.random() * 2) * cycle * DAY_US)
        verified = verified_at is not None
        verified_db, verified_json = (
            self.tt.pair(max(verified_at, created)) if verified_at is not None else (None, "")
        )
        values = [None, None, kind, value, "", primary, verified_db if verified else None, db_time]
        encoded = [
            "",  # id, filled in by the loader
            "",  # id, filled in by the loader
            self.e(kind),
            encode_str(value),
            '""',
            "true" if primary else "false",
            verified_json if verified else "null",
            json_time,
        ]
        return Row(values, encoded)

    # --- cases -----------------------------------------------------------------------

    def received_moments(self, count: int) -> list[int]:
        """When cases arrive: more each year (the business grows), oldest first."""
        rng = self.rng
        days = self.end_day - self.start_day
        moments = [
            self._moment(self.start_day + int(rng.random() ** 0.5 * days), rng.random())
            for _ in range(count)
        ]
        moments.sort()
        return moments

    def case(
        self, received: int, customer_ids: Sequence[int], customer_limit: int
    ) -> tuple[Row, Row | None]:
        """One case (id and reference left None) and maybe one note (ids left None).

        `customer_limit`: how many customers (oldest first) existed when it was received.

        Long because every random draw for a case is made here in one fixed order: the
        seed reproduces the data only while that order holds, and one block shows it.
        """
        rng = self.rng
        r = rng.random
        e = self.e
        cust = int(r() * customer_limit)
        department = self.customer_department[cust]
        industry = self.customer_industry[cust]
        staff = self.staff[department]
        profile = self._profiles[(department, industry)]
        kind, category, sub = profile[int(r() * len(profile))]
        lang = 1 if r() < 0.25 else 0
        pool = self.pools.get(industry, category, sub, lang)
        subject_raw, subject_enc, description_raw, description_enc = pool[int(r() * len(pool))]
        request_pool = self.pools.requests[category][lang]
        request = request_pool[int(r() * len(request_pool))]
        channel = self._channels[int(r() * len(self._channels))]
        severity = self._severities[int(r() * len(self._severities))]
        if (category, sub) in SERIOUS and severity in ("low", "medium"):
            severity = "high"
        priorities = PRIORITY_OF[severity]
        priority = priorities[int(r() * len(priorities))]

        end = self.end_us
        created = min(received + int((0.5 + r() * 20) * 60_000_000), end - 1)
        to_close = int(HOURS_TO_CLOSE[severity] * (0.1 + 3 * r() ** 2) * HOUR_US)
        closed_at = None
        resolution = root_cause = ("", '""')
        satisfaction = None
        roll = r()
        if created + to_close < end and roll < 0.97:
            closed = created + to_close
            status = "closed" if roll < 0.955 else "reopened"
            resolution = self._pick(self.pools.resolutions[category][lang])
            root_cause = self._pick(self.pools.root_causes[category][lang])
            if status == "closed":
                closed_at = closed
                updated = closed
                if r() < 0.75:
                    satisfaction = SATISFACTION[int(r() * len(SATISFACTION))]
            else:
                updated = min(closed + int(r() * 10 * DAY_US), end - 1)
        else:
            elapsed = end - received
            if roll >= 0.97 and created + to_close < end:
                status = "responded" if r() < 0.5 else "investigating"
            elif elapsed < 4 * HOUR_US:
                status = "received"
            elif elapsed < 24 * HOUR_US:
                status = "acknowledged"
            elif elapsed < 72 * HOUR_US:
                status = "assessing"
            else:
                status = "investigating" if r() < 0.7 else "responded"
            updated = created if status == "received" else created + int(r() * (end - created - 1))
        if status == "received" and r() < 0.5:
            assignee = None
        else:
            assignee = staff.supervisor if r() < 0.1 else staff.agents[int(r() * len(staff.agents))]

        product_ref = order_ref = contract_ref = ""
        style = texts.INDUSTRIES[industry][3]
        day_text = self.tt.day(received // DAY_US)
        serial = int(r() * 1_000_000)
        if style == "order":
            order_ref = f"SO{day_text.replace('-', '')}{serial:06d}"
        elif style == "contract":
            contract_ref = f"HT-{day_text[:4]}-{serial:06d}"
        else:
            product_ref = f"PLAN-{serial % 400:03d}"

        rec_db, rec_json = self.tt.pair(received)
        cre_db, cre_json = self.tt.pair(created)
        upd_db, upd_json = self.tt.pair(updated)
        if closed_at is None:
            clo_db, clo_json = None, "null"
        else:
            clo_db, clo_json = self.tt.pair(closed_at)
        customer_id = customer_ids[cust]
        values = [
            None,
            None,
            kind,
            channel,
            category,
            sub,
            severity,
            priority,
            status,
            staff.department_id,
            assignee,
            customer_id,
            subject_raw,
            description_raw,
            request[0],
            resolution[0],
            root_cause[0],
            satisfaction,
            rec_db,
            clo_db,
            product_ref,
            order_ref,
            contract_ref,
            cre_db,
            upd_db,
            1,
            *UNMARKED_CASE[0],
        ]
        encoded = [
            "",  # id, filled in by the loader
            "",  # id, filled in by the loader
            e(kind),
            e(channel),
            e(category),
            e(sub),
            e(severity),
            e(priority),
            e(status),
            str(staff.department_id),
            "null" if assignee is None else str(assignee),
            str(customer_id),
            subject_enc,
            description_enc,
            request[1],
            resolution[1],
            root_cause[1],
            "null" if satisfaction is None else str(satisfaction),
            rec_json,
            clo_json,
            e(product_ref),
            e(order_ref),
            e(contract_ref),
            cre_json,
            upd_json,
            "1",
            *UNMARKED_CASE[1],
        ]
        note = None
        if status not in ("received", "acknowledged") and r() < 0.2:
            note = self._note(created, updated, assignee or staff.agents[0])
        return Row(values, encoded), note

    def _pick(self, pool: list) -> tuple[str, str]:
        return pool[int(self.rng.random() * len(pool))]

    def _note(self, created: int, updated: int, author: int) -> Row:
        r = self.rng.random
        at = created + int(r() * max(updated - created, 1))
        body = self._pick(self.pools.notes)
        outbound = r() < 0.3
        kind, channel = ("outbound", "phone") if outbound else ("note", "")
        db_time, json_time = self.tt.pair(at)
        values = [None, None, kind, channel, body[0], author, db_time]
        encoded = ["", "", self.e(kind), self.e(channel), body[1], str(author), json_time]
        return Row(values, encoded)


def customer_limits(customer_created: Sequence[int], moments: Sequence[int]) -> Iterator[int]:
    """For each case moment (ascending), how many customers existed an hour before it."""
    for moment in moments:
        yield max(1, bisect.bisect_right(customer_created, moment - HOUR_US))
