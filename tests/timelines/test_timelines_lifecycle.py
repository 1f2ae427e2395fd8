"""Issue 15 in the pure core: overtaken and early milestones, closing, extensions refused, and
the MoU's readings (¶6, ¶31, ¶35, ¶41, ¶53). Dates hand-checked against GOV.UK bank holidays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from timelines.core.calendar import default_calendar
from timelines.core.engine import (
    DONE_EARLY,
    DONE_ON_TIME,
    NOT_APPLICABLE,
    OPEN_STATUSES,
    OVERTAKEN,
    STATUSES,
    Extension,
    ExtensionRefused,
    compute,
    is_closed,
    programme_milestones,
)
from timelines.core.rules import (
    PROGRAMME,
    programme_rules_for,
    propose_indicative_publication,
    rule,
)
from timelines.core.workflow import Inspection, check_history

CAL = default_calendar()
LONDON = ZoneInfo("Europe/London")


def timeline(process="full-inspection", day0=date(2025, 3, 14), today=date(2025, 3, 14), **kwargs):
    facts = kwargs.pop("facts", {})
    return {m.key: m for m in compute(process, day0, facts, today=today, calendar=CAL, **kwargs)}


def test_new_statuses_are_known_and_not_open():
    assert {"overtaken", "done_early"} <= set(STATUSES)
    assert OPEN_STATUSES == ("not_yet_due", "due_soon", "due_today", "overdue")


def test_publishing_without_a_return_overtakes_the_return_and_hmips_response():
    # Draft Tue 22 April 2025: 15 working days (early May bank holiday 5 May) -> Wed 14 May.
    facts = {"draft_sent": date(2025, 4, 22), "published": date(2025, 6, 3)}
    ms = timeline(facts=facts, today=date(2025, 7, 1))
    factcheck = ms["factcheck_return"]
    assert factcheck.due == date(2025, 5, 14)
    assert factcheck.status == OVERTAKEN and not factcheck.is_open
    assert factcheck.note == "not returned: HMIP proceeded to publication on 3 June 2025"
    response = ms["hmip_response"]
    assert response.status == OVERTAKEN
    assert response.note == "not sent: HMIP proceeded to publication on 3 June 2025"


def test_a_returned_fact_check_is_not_overtaken():
    facts = {"draft_sent": date(2025, 4, 22), "factcheck_returned": date(2025, 5, 13),
             "hmip_response_sent": date(2025, 5, 20), "published": date(2025, 6, 3)}
    ms = timeline(facts=facts, today=date(2025, 7, 1))
    assert ms["factcheck_return"].status == DONE_ON_TIME
    assert ms["hmip_response"].status == DONE_ON_TIME


@pytest.mark.parametrize(
    ("published", "status"),
    [
        (datetime(2025, 6, 10, 13, 30, tzinfo=LONDON), DONE_EARLY),  # 4½ hours after the letter
        (datetime(2025, 6, 11, 9, 0, tzinfo=LONDON), DONE_ON_TIME),  # exactly 24 hours
    ],
)
def test_un_publication_before_24_hours_is_done_early(published, status):
    facts = {"un_letter_sent": datetime(2025, 6, 10, 9, 0, tzinfo=LONDON), "un_published": published}
    ms = timeline("urgent-notification", day0=date(2025, 6, 6), facts=facts, today=date(2025, 6, 12))
    assert ms["un_publication"].status == status
    if status == DONE_EARLY:
        assert "before the Secretary of State's private 24 hours had passed" in ms["un_publication"].note


def test_closed_when_every_milestone_is_done_overtaken_or_not_applicable():
    facts = {
        "debrief_held": date(2025, 3, 14),
        "debrief_note_sent": date(2025, 3, 20),
        "draft_sent": date(2025, 4, 22),
        "press_release_shared": date(2025, 6, 2),
        "published": date(2025, 6, 3),
    }
    ms = timeline(facts=facts, today=date(2025, 7, 1))
    assert not is_closed(ms.values())  # the action plan is still to come
    received = {**facts, "action_plan_received": date(2025, 8, 20)}
    ms = timeline(facts=received, today=date(2025, 9, 2))
    assert not is_closed(ms.values())  # submitted, not yet available (MoU ¶37)
    stages = {"action_plan_quality_assured": date(2025, 8, 26), "action_plan_cleared": date(2025, 8, 28),
              "action_plan_available": date(2025, 9, 1)}
    ms = timeline(facts={**received, **stages}, today=date(2025, 9, 2))
    assert is_closed(ms.values())


def test_thematic_stages_not_applicable_drop_out_of_closing():
    overrides = {"factcheck_return": "n/a", "action_plan": "n/a"}
    facts = {"draft_sent": date(2025, 4, 22), "press_release_shared": date(2025, 6, 3),
             "published": date(2025, 6, 3)}
    ms = timeline("thematic", facts=facts, overrides=overrides, today=date(2025, 7, 1))
    assert ms["factcheck_return"].status == NOT_APPLICABLE
    assert ms["hmip_response"].status == NOT_APPLICABLE  # no fact check to answer
    assert is_closed(ms.values())


def test_a_thematic_review_without_a_fact_check_can_be_published():
    review = Inspection("thematic", date(2025, 3, 10), date(2025, 3, 14),
                        overrides={"factcheck_return": "n/a"})
    facts = {"draft_sent": date(2025, 4, 22), "published": date(2025, 4, 23)}
    assert check_history(review, facts, today=date(2025, 5, 1), calendar=CAL) == []


def test_an_extension_to_a_date_not_after_the_original_is_refused():
    facts = {"draft_sent": date(2025, 4, 22)}
    ms = timeline(facts=facts, today=date(2025, 5, 1),
                  extensions=[Extension("factcheck_return", new_due=date(2025, 5, 21))])
    assert (ms["factcheck_return"].due, ms["factcheck_return"].original_due) == (date(2025, 5, 21),
                                                                                 date(2025, 5, 14))
    with pytest.raises(ExtensionRefused, match="must be after 14 May 2025"):
        timeline(facts=facts, today=date(2025, 5, 1),
                 extensions=[Extension("factcheck_return", new_due=date(2025, 5, 14))])


def test_draft_target_is_never_later_than_the_seven_week_limit():
    # Inspection ending Fri 31 March 2023: Good Friday, Easter Monday, 1 May and the coronation
    # (8 May) push the 32nd working day to Mon 22 May; 7 weeks is Fri 19 May.
    ms = timeline(day0=date(2023, 3, 31), today=date(2023, 4, 3))
    assert ms["draft_report_limit"].due == date(2023, 5, 19)
    assert ms["draft_report"].due == date(2023, 5, 19)
    assert ms["draft_report"].note == (
        "32 working days after the inspection ended would be 22 May 2023, after the 7-week limit: "
        "the target is shown at the limit (MoU ¶31)"
    )
    assert "never later than 7 weeks after" in ms["draft_report"].rule
    # An ordinary spring: the target comes first and carries no such words.
    assert "limit" not in timeline()["draft_report"].note


@pytest.mark.parametrize(
    ("draft_sent", "proposed"),
    [
        (date(2025, 3, 4), date(2025, 4, 29)),  # 38 wd = 29 April, inside 22-29 April
        (date(2025, 11, 27), date(2026, 1, 22)),  # Christmas pushes 38 wd past the window
        (date(2023, 3, 17), date(2023, 5, 12)),  # Easter and 1 May: last working day of window
    ],
)
def test_indicative_publication_is_a_working_day_in_the_window_nearest_38_working_days(draft_sent, proposed):
    assert propose_indicative_publication(draft_sent, CAL) == proposed
    assert CAL.is_working_day(proposed)


def test_press_release_on_time_when_shared_on_the_publication_day():
    facts = {"hmip_response_sent": date(2025, 4, 8), "published": date(2025, 4, 28),
             "press_release_shared": date(2025, 4, 28)}
    ms = timeline(facts=facts, today=date(2025, 4, 28))
    assert ms["press_release"].due == date(2025, 4, 28)
    assert ms["press_release"].status == DONE_ON_TIME


@pytest.mark.parametrize(
    ("kind", "cohort", "keys"),
    [
        ("prison", "adult", ["adult_full_inspection"]),
        ("yoi", "adult", ["adult_full_inspection"]),
        ("yoi", "cyp", ["cyp_full_inspection", "cyp_visit"]),
        ("stc", "cyp", ["cyp_full_inspection", "cyp_visit"]),
        ("irc", "adult", []),
        ("sthf", "adult", []),
        ("court_custody", "adult", []),
        ("escort", "adult", []),
    ],
)
def test_which_programme_cycle_applies(kind, cohort, keys):
    assert [r.key for r in programme_rules_for(kind, cohort)] == keys


def test_five_year_rule_counts_from_operation_for_a_new_establishment():
    adult = rule(PROGRAMME, "adult_full_inspection")
    assert "became operational" in adult.describe()
    new = programme_milestones("prison", "adult", {"operational_on": date(2026, 9, 1)},
                               today=date(2026, 11, 1), calendar=CAL)
    assert [(m.key, m.due, m.status) for m in new] == [
        ("adult_full_inspection", date(2031, 9, 1), "not_yet_due")
    ]
    inspected = programme_milestones(
        "prison", "adult",
        {"operational_on": date(2010, 1, 1), "last_full_inspection": date(2021, 7, 12)},
        today=date(2026, 7, 13), calendar=CAL,
    )
    assert [(m.due, m.status) for m in inspected] == [(date(2026, 7, 12), "overdue")]
    assert programme_milestones("irc", "adult", {"operational_on": date(2010, 1, 1)},
                                today=date(2026, 7, 13), calendar=CAL) == []


def test_a_thematic_review_without_draft_or_fact_check_stages_can_be_published():
    overrides = {"draft_report": "n/a", "draft_report_limit": "n/a", "factcheck_return": "n/a"}
    review = Inspection("thematic", date(2025, 3, 10), date(2025, 3, 14), overrides=overrides)
    assert check_history(review, {"published": date(2025, 5, 1)}, today=date(2025, 5, 2), calendar=CAL) == []
    full = Inspection("full-inspection", date(2025, 3, 10), date(2025, 3, 14))
    assert [p.other for p in check_history(full, {"published": date(2025, 5, 1)}, today=date(2025, 5, 2),
                                            calendar=CAL)] == ["draft_sent"]
