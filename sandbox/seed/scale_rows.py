"""The rows of one generated file, stage by stage, as the services would have written them: the
application and its draft, requested exemptions, documents, stage clocks, reviews, opinions,
committee votes and decision, trial, reports and incidents, and ~20 audit events. One builder per
kind of row, so more can be added as the product grows."""

from datetime import timedelta

from ..labels import Instrument, Role
from ..models.applications import geojson_bounds
from ..states import TERMINAL
from ..states import ApplicationState as S
from ..workflow import clocks as clock_rules
from ..workflow.machine import PAST_TENSE, SYSTEM, steps_for
from . import scale_stages
from .scale_documents import document_row
from .scale_plans import DAYS, PLANS, REASONS, rng_for, transition_data


class Life:
    """One file's history while it is being written: its row, clock rows, clock and actors."""

    def __init__(self, batch, context, rng, row, applicant):
        self.batch, self.context, self.rng, self.row, self.applicant = batch, context, rng, row, applicant
        staff = context["staff"]
        self.office = rng.choice(staff[Role.office])
        self.clocks = []
        self.request_ids = []
        self.review_ids = []
        self.opinion_ids = []
        self.events = 0
        self.documents = []
        self.last_event = None

    def event(self, when, action, actor, subject, **kwargs):
        self.events += 1
        return self.batch.chain.add(when, action, actor, subject, application=self.row, **kwargs)

    def id(self, table):
        return self.batch.ids(table)


# The first files of a run cover every (instrument, state) once, so even a small run has them all.
EVERY_PLAN = [(instrument, state) for instrument, (_, states) in PLANS.items() for state in states]


def choose_plan(rng, index=None):
    if index is not None and index <= len(EVERY_PLAN):
        instrument, target = EVERY_PLAN[index - 1]
        return instrument, target, list(PLANS[instrument][1][target][1])
    instruments = list(PLANS)
    instrument = rng.choices(instruments, weights=[PLANS[i][0] for i in instruments])[0]
    states = PLANS[instrument][1]
    target = rng.choices(list(states), weights=[w for w, _ in states.values()])[0]
    triggers = list(states[target][1])
    if "accept" in triggers and rng.random() < 0.2:  # a supplement round during screening
        at = triggers.index("screen") + 1
        triggers[at:at] = ["request_supplement", "answer_supplement"]
    return instrument, target, triggers


def _timeline(rng, target, triggers, now):
    offsets = [rng.uniform(*DAYS[t]) for t in triggers]
    total = sum(offsets)
    if target in TERMINAL:
        start = now - timedelta(days=total + rng.uniform(1, max(2.0, 3 * 365 - total)))
    else:
        start = now - timedelta(days=total + rng.uniform(0.2, 20))
    times, at = [], start + timedelta(minutes=5)
    for offset in offsets:
        at = at + timedelta(days=offset, seconds=rng.randrange(3600))
        times.append(at)
    return start, times


def build_application(batch, index, org, context):
    rng = rng_for(context["seed"], index)
    instrument, target, triggers = choose_plan(rng, index)
    zone = rng.choice([z for z in context["zones"] if str(instrument) in z.instruments] or context["zones"])
    start, times = _timeline(rng, target, triggers, context["now"])
    life = Life(batch, context, rng, None, org["owner"])
    life.row = application_row(life, index, org, instrument, zone, start)
    draft_rows(life, zone, start)
    state = S.draft
    for trigger, when in zip(triggers, times):
        before_step(life, trigger, when)
        state = transition(life, trigger, state, when)
        after_step(life, trigger, when)
    downloads(life, times[-1] if times else start)
    batch.add("applications", life.row)


def application_row(life, index, org, instrument, zone, start):
    rng = life.rng
    category = rng.choice(zone.categories) if zone.categories else None
    period_start = (start + timedelta(days=120)).date()
    quick = instrument == Instrument.quick_confirmation
    site = None if quick else zone.site(rng)
    return {
        "id": life.id("applications"),
        "reference": None,
        "instrument": str(instrument),
        "state": str(S.draft),
        "version": 1,
        "organisation_id": org["id"],
        "created_by_id": org["owner"][0],
        "zone_id": zone.id,
        "category": category,
        "title": f"생성 과제 {index} (Generated file {index})",
        "summary": f"구역 내 실증 {index} / A pilot inside the zone, file {index}.",
        "innovation": (
            "" if quick else "기존 법령이 예상하지 못한 서비스 / A service the law did not foresee."
        ),
        "public_benefit": "" if quick else "교통약자 이동 편의 / Mobility for people with reduced mobility.",
        "regulations": "" if quick else "관련 법령 / The related acts.",
        "safety_plan": "" if quick else "안전요원 동승 / A safety driver on board.",
        "user_protection": "" if quick else "가명처리 / Pseudonymisation.",
        "insurance_plan": "" if quick else "책임보험 / Liability insurance.",
        "financing": "" if quick else "자체 자금 / Own funds.",
        "question": "이 서비스에 규제가 있나요? / Does a rule apply to this service?" if quick else "",
        "site_geojson": site,
        **dict(zip(("site_west", "site_south", "site_east", "site_north"), geojson_bounds(site))),
        "period_start": None if quick else period_start,
        "period_end": None if quick else period_start + timedelta(days=rng.choice([365, 540, 730])),
        "units": None if quick else rng.randint(1, 30),
        "users_planned": None if quick else rng.randint(50, 5000),
        "submitted_at": None,
        "supplement_from": None,
        "supplement_request": "",
        "supplement_due": None,
        "answer": "",
        "created_at": start,
        "updated_at": start,
    }


def draft_rows(life, zone, start):
    """created, three draft steps saved, exemptions requested, two documents uploaded."""
    row = life.row
    life.event(
        start,
        "application.created",
        life.applicant,
        ("application", row["id"]),
        to_state=S.draft,
        data={"instrument": row["instrument"]},
    )
    quick = row["instrument"] == str(Instrument.quick_confirmation)
    steps = [("basics", ["category", "summary", "title", "zone_id"])]
    if not quick:
        steps += [
            ("plan", ["innovation", "public_benefit", "regulations", "safety_plan"]),
            ("site", ["period_end", "period_start", "site_geojson", "units", "users_planned"]),
        ]
    else:
        steps += [("question", ["question"])]
    for minute, (step, changed) in enumerate(steps, start=1):
        life.event(
            start + timedelta(minutes=minute),
            "application.draft_saved",
            life.applicant,
            ("application", row["id"]),
            data={"step": step, "changed": changed},
        )
        row["version"] += 1
    if not quick:
        exemption_rows(life, zone, start + timedelta(minutes=4))
        for kind in ("business_plan", "safety_plan"):
            document_row(life, kind, start + timedelta(minutes=5), life.applicant)


def exemption_rows(life, zone, when):
    picks = life.rng.sample(zone.exemptions, k=min(len(zone.exemptions), life.rng.choice([1, 1, 2])))
    for exemption_id, code in picks:
        request_id = life.id("exemption_requests")
        life.batch.add(
            "exemption_requests",
            {
                "id": request_id,
                "application_id": life.row["id"],
                "exemption_type_id": exemption_id,
                "legal_ground": "no_standard",
                "justification": "현행 법령상 근거 없음 / No standard exists.",
                "requested_parameters": {},
                "created_at": when,
                "updated_at": when,
            },
        )
        life.request_ids.append((request_id, code))
        life.event(
            when,
            "exemption_request.added",
            life.applicant,
            ("exemptionrequest", request_id),
            data={"exemption": code, "legal_ground": "no_standard"},
        )


def actor_for(life, step):
    if Role.applicant in step.who:
        return life.applicant
    if Role.chair in step.who:
        return life.context["staff"][Role.chair][0]
    if Role.office in step.who:
        return life.office
    return (None, SYSTEM, SYSTEM)


def transition(life, trigger, state, when):
    """What fire() writes: the new state and its columns, the clocks, one audit event."""
    row = life.row
    steps = steps_for(row["instrument"], trigger=trigger, source=state)
    if len(steps) > 1:
        steps = [s for s in steps if s.dest == S(row["supplement_from"])]
    step = steps[0]
    dest, data = step.dest, transition_data(life, trigger, when)
    row["state"] = str(dest)
    row["version"] += 1
    row["updated_at"] = when
    if trigger == "submit":
        row["submitted_at"] = when
        row["reference"] = f"SBX-{when:%Y}-{row['id']:06d}"
    if dest == S.supplement_requested:
        row.update(
            supplement_from=str(state), supplement_request=REASONS[trigger], supplement_due=data["due"]
        )
    if state == S.supplement_requested:
        row.update(answer=data.get("answer", ""), supplement_from=None)
    clock_rows(life, state, dest, when)
    reason = REASONS.get(trigger, "")
    payload = {k: v for k, v in {"reason": reason, **data}.items() if v not in ("", None)}
    seq, digest = life.event(
        when,
        f"application.{PAST_TENSE[trigger]}",
        actor_for(life, step),
        ("application", row["id"]),
        from_state=state,
        to_state=dest,
        data=payload,
    )
    life.last_event, life.last_trigger = (seq, digest), trigger
    return dest


def clock_rows(life, source, dest, now):
    """workflow.clocks.on_transition, on plain rows."""
    if source == dest:
        return
    open_clocks = [c for c in life.clocks if c["ended_at"] is None]
    if dest == S.supplement_requested:
        for clock in open_clocks:
            if clock["paused_at"] is None:
                clock.update(paused_at=now, pause_reason=REASONS["request_supplement"])
        _start_clock(life, dest, now, 14)
        return
    resumed = None
    for clock in open_clocks:
        if (
            source == S.supplement_requested
            and clock["stage"] == str(dest)
            and clock["paused_at"] is not None
        ):
            paused = now - clock["paused_at"]
            clock["paused_seconds"] += int(paused.total_seconds())
            if clock["due_at"] is not None:
                clock["due_at"] += paused
            clock.update(paused_at=None, pause_reason="")
            resumed = clock
        else:
            clock["ended_at"] = now
            if clock["due_at"] is not None and now > clock["due_at"]:
                clock["breached_at"] = clock["due_at"]
    if resumed is None:
        days = clock_rules.allowed_days(_Instrumented(life.row["instrument"]), dest)
        if days is not None:
            _start_clock(life, dest, now, days)


class _Instrumented:
    def __init__(self, instrument):
        self.instrument = instrument


def _start_clock(life, stage, now, days):
    clock = life.batch.add(
        "stage_clocks",
        {
            "id": life.id("stage_clocks"),
            "application_id": life.row["id"],
            "stage": str(stage),
            "started_at": now,
            "allowed_days": days,
            "due_at": now + timedelta(days=days) if days else None,
            "paused_at": None,
            "pause_reason": "",
            "paused_seconds": 0,
            "ended_at": None,
            "breached_at": None,
        },
    )
    life.clocks.append(clock)


def before_step(life, trigger, when):
    handler = scale_stages.BEFORE.get(trigger)
    if handler:
        handler(life, when)


def after_step(life, trigger, when):
    handler = scale_stages.AFTER.get(trigger)
    if handler:
        handler(life, when)


def downloads(life, last):
    """Office and reviewers open the documents: pads a file's history to about 20 events."""
    if life.row["state"] == str(S.draft):
        return
    documents = life.documents
    for k in range(max(0, 20 - life.events) if documents else 0):
        document = documents[k % len(documents)]
        life.event(
            last + timedelta(minutes=k + 1),
            "document.downloaded",
            life.office,
            ("document", document["id"]),
            data={"name": document["original_name"], "sha256": document["sha256"]},
        )
