"""The rule table: complete, consistent, and explained in words with its source."""

from datetime import date

import pytest

from timelines.core.calendar import default_calendar
from timelines.core.rules import (
    FACT_KEYS,
    OWNERS,
    PROCESSES,
    PROGRAMME_FACT_KEYS,
    RECURRING_FACT_KEYS,
    RULES,
    Rule,
    indicative_publication_window,
    propose_indicative_publication,
    rule,
    rules_for,
    with_override,
)

CAL = default_calendar()

REQUIRED = {
    "full-inspection": {
        "debrief",
        "debrief_note_to_hq",
        "draft_report",
        "draft_report_limit",
        "indicative_publication",
        "factcheck_return",
        "hmip_response",
        "publication",
        "publication_aim",
        "press_release",
        "action_plan",
    },
    "urgent-notification": {"un_letter", "un_publication", "sos_response"},
    "irp": {"irp_draft", "irp_factcheck_return", "irp_publication"},
    "programme": {
        "adult_full_inspection",
        "cyp_full_inspection",
        "cyp_visit",
        "irp_visit",
        "announced_inspection_notice",
    },
    "recurring": {
        "concerns_database_share",
        "mou_review",
        "hub_mou_review",
        "stakeholder_survey",
        "inspection_plan_consultation",
    },
}


@pytest.mark.parametrize("process", sorted(REQUIRED))
def test_every_required_rule_is_in_the_table(process):
    assert {r.key for r in rules_for(process)} == REQUIRED[process]


def test_keys_are_unique_within_a_process():
    for process in PROCESSES:
        keys = [r.key for r in rules_for(process)]
        assert len(keys) == len(set(keys)), process


def test_rules_use_known_owners_facts_and_sources():
    facts = {"day0", *FACT_KEYS, *PROGRAMME_FACT_KEYS, *RECURRING_FACT_KEYS}
    for r in RULES:
        assert r.owner in OWNERS
        assert r.anchor in facts, r.key
        assert r.done_by is None or r.done_by in facts, r.key
        assert "¶" in r.source, r.key


@pytest.mark.parametrize(
    ("process", "key", "anchor", "timing", "kind", "owner", "done_by", "source"),
    [
        ("full-inspection", "debrief", "day0", "0 calendar days", "limit", "hmip", "debrief_held", "¶23"),
        (
            "full-inspection",
            "debrief_note_to_hq",
            "day0",
            "the week following",
            "target",
            "hmip",
            "debrief_note_sent",
            "¶25",
        ),
        ("full-inspection", "draft_report", "day0", "32 working days", "target", "hmip", "draft_sent", "¶31"),
        ("full-inspection", "draft_report_limit", "day0", "7 weeks", "limit", "hmip", "draft_sent", "¶31"),
        (
            "full-inspection",
            "indicative_publication",
            "draft_sent",
            "7 to 8 weeks",
            "window",
            "hmip",
            "published",
            "¶31",
        ),
        (
            "full-inspection",
            "factcheck_return",
            "draft_sent",
            "15 working days",
            "limit",
            "scrutiny",
            "factcheck_returned",
            "¶32",
        ),
        (
            "full-inspection",
            "hmip_response",
            "factcheck_returned",
            "10 working days",
            "limit",
            "hmip",
            "hmip_response_sent",
            "¶33",
        ),
        (
            "full-inspection",
            "publication",
            "hmip_response_sent",
            "10 to 15 working days",
            "window",
            "hmip",
            "published",
            "¶34",
        ),
        ("full-inspection", "publication_aim", "day0", "14 weeks", "target", "hmip", "published", "¶34"),
        (
            "full-inspection",
            "press_release",
            "hmip_response_sent",
            "15 working days",
            "limit",
            "hmip",
            "press_release_shared",
            "¶35",
        ),
        (
            "full-inspection",
            "action_plan",
            "published",
            "3 months",
            "limit",
            "establishment",
            "action_plan_available",
            "¶37",
        ),
        (
            "urgent-notification",
            "un_letter",
            "day0",
            "7 calendar days",
            "limit",
            "hmip",
            "un_letter_sent",
            "¶39",
        ),
        (
            "urgent-notification",
            "un_publication",
            "un_letter_sent",
            "24 hours",
            "target",
            "hmip",
            "un_published",
            "¶41",
        ),
        (
            "urgent-notification",
            "sos_response",
            "un_letter_sent",
            "28 calendar days",
            "limit",
            "sos",
            "sos_responded",
            "¶43",
        ),
        ("irp", "irp_draft", "day0", "10 working days", "target", "hmip", "draft_sent", "¶50"),
        (
            "irp",
            "irp_factcheck_return",
            "draft_sent",
            "10 working days",
            "limit",
            "scrutiny",
            "factcheck_returned",
            "¶50",
        ),
        ("irp", "irp_publication", "day0", "25 working days", "limit", "hmip", "published", "¶50"),
        (
            "programme",
            "adult_full_inspection",
            "last_full_inspection",
            "5 years",
            "limit",
            "hmip",
            "next_full_inspection",
            "¶6",
        ),
        (
            "programme",
            "cyp_full_inspection",
            "last_full_inspection",
            "18 to 24 months",
            "window",
            "hmip",
            "next_full_inspection",
            "¶7",
        ),
        ("programme", "cyp_visit", "last_visit", "12 months", "limit", "hmip", "next_visit", "¶7"),
        (
            "programme",
            "irp_visit",
            "last_full_inspection",
            "8 to 12 months",
            "window",
            "hmip",
            "irp_visit",
            "¶48",
        ),
        (
            "programme",
            "announced_inspection_notice",
            "planned_inspection_start",
            "6 months before",
            "target",
            "hmip",
            "announcement_notified",
            "¶8",
        ),
        ("recurring", "concerns_database_share", "last_done", "3 months", "target", "hmip", "done", "¶20"),
        ("recurring", "mou_review", "last_done", "1 year", "target", "hmip", "done", "¶55"),
        ("recurring", "hub_mou_review", "last_done", "1 year", "target", "hmpps", "done", "¶5.1"),
        ("recurring", "stakeholder_survey", "last_done", "1 year", "target", "hmip", "done", "¶29"),
        ("recurring", "inspection_plan_consultation", "last_done", "1 year", "target", "hmip", "done", "¶5"),
    ],
)
def test_rule_row_matches_domain(process, key, anchor, timing, kind, owner, done_by, source):
    r = rule(process, key)
    assert (r.anchor, r.kind, r.owner, r.done_by) == (anchor, kind, owner, done_by)
    assert (r.window or r.offset) == timing
    assert source in r.source


def test_describe_gives_the_rule_in_words_with_its_source():
    assert rule("full-inspection", "draft_report").describe() == (
        "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31"
    )
    assert rule("full-inspection", "factcheck_return").describe() == (
        "15 working days after the draft was received — MoU ¶32"
    )
    assert rule("full-inspection", "publication").describe() == (
        "between 10 and 15 working days after HMIP responded to the accuracy points — MoU ¶34"
    )
    assert "does not state" in rule("irp", "irp_draft").describe()
    assert rule("recurring", "mou_review").describe() == "annually — MoU ¶55"


def test_only_the_defaults_the_mou_does_not_state_are_derived():
    derived = {(r.process, r.key) for r in RULES if r.derived}
    assert derived == {
        ("irp", "irp_draft"),
        ("full-inspection", "press_release"),
        ("thematic", "press_release"),
    }


def test_thematic_reuses_the_report_stages_with_their_own_source():
    thematic = {r.key: r for r in rules_for("thematic")}
    assert "debrief" not in thematic
    assert thematic["draft_report"].offset == "32 working days"
    assert thematic["draft_report"].source == "MoU ¶53 (¶31)"


def test_overrides_validate_their_text():
    base = rule("thematic", "draft_report")
    assert with_override(base, "40 working days").describe().endswith("(set for this review)")
    assert with_override(base, "n/a").not_applicable
    with pytest.raises(ValueError, match="not an offset"):
        with_override(base, "forty days")
    with pytest.raises(ValueError, match="not a window"):
        with_override(rule("thematic", "publication"), "15 working days")


def test_a_malformed_rule_is_refused():
    with pytest.raises(ValueError, match="unknown owner"):
        Rule("x", "irp", "X", "day0", "target", "ofsted", "MoU ¶1", None, offset="1 day")
    with pytest.raises(ValueError, match="not an offset"):
        Rule("x", "irp", "X", "day0", "target", "hmip", "MoU ¶1", None, offset="soon")


def test_indicative_publication_window_and_proposal():
    # Draft sent Tue 4 March 2025: 7-8 weeks is 22-29 April; 38 working days (skipping
    # Good Friday and Easter Monday) lands on 29 April.
    assert indicative_publication_window(date(2025, 3, 4)) == (date(2025, 4, 22), date(2025, 4, 29))
    assert propose_indicative_publication(date(2025, 3, 4), CAL) == date(2025, 4, 29)
    # Draft sent Thu 27 Nov 2025: 38 working days skips Christmas and New Year and would be
    # Fri 23 Jan 2026, after the window (15-22 Jan): the proposal is the window's last working day.
    assert CAL.add_working_days(date(2025, 11, 27), 38) == date(2026, 1, 23)
    assert indicative_publication_window(date(2025, 11, 27)) == (date(2026, 1, 15), date(2026, 1, 22))
    assert propose_indicative_publication(date(2025, 11, 27), CAL) == date(2026, 1, 22)
