"""The engine: every process's milestones, statuses, late facts, extensions, holidays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from timelines.core.calendar import WorkingCalendar, default_calendar
from timelines.core.engine import (
    DONE,
    DONE_EARLY,
    DONE_LATE,
    DONE_ON_TIME,
    DUE_SOON,
    DUE_TODAY,
    NOT_APPLICABLE,
    NOT_YET_DUE,
    OVERDUE,
    OVERTAKEN,
    WAITING,
    Extension,
    compute,
    next_recurring,
    programme_status,
    recurring_status,
    to_json,
)

CAL = default_calendar()
LONDON = ZoneInfo("Europe/London")
DAY0 = date(2025, 3, 14)  # Friday: the inspection ended


def timeline(process="full-inspection", day0=DAY0, today=date(2025, 3, 14), **kwargs):
    facts = kwargs.pop("facts", {})
    return {m.key: m for m in compute(process, day0, facts, today=today, calendar=CAL, **kwargs)}


def test_full_inspection_with_no_facts():
    ms = timeline()
    assert list(ms) == [
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
    ]
    assert ms["debrief"].due == DAY0 and ms["debrief"].status == DUE_TODAY
    assert ms["debrief_note_to_hq"].due == date(2025, 3, 21)  # JOURNEYS: Friday 21 March
    # 32 working days, skipping Good Friday 18 and Easter Monday 21 April 2025.
    assert ms["draft_report"].due == date(2025, 5, 1)
    assert ms["draft_report"].rule == "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31"
    assert ms["draft_report_limit"].due == date(2025, 5, 2)  # 7 weeks
    assert ms["publication_aim"].due == date(2025, 6, 20)  # 14 weeks
    for key in (
        "indicative_publication",
        "factcheck_return",
        "hmip_response",
        "publication",
        "press_release",
        "action_plan",
    ):
        assert ms[key].status == WAITING and ms[key].due is None


def test_full_inspection_journey_through_every_stage():
    facts = {
        "debrief_held": date(2025, 3, 14),
        "debrief_note_sent": date(2025, 3, 20),
        "draft_sent": date(2025, 4, 30),
        "factcheck_returned": date(2025, 5, 21),
        "hmip_response_sent": date(2025, 6, 4),
        "press_release_shared": date(2025, 6, 17),
        "published": date(2025, 6, 18),
        "action_plan_received": date(2025, 9, 1),
        "action_plan_quality_assured": date(2025, 9, 10),
        "action_plan_cleared": date(2025, 9, 15),
        "action_plan_available": date(2025, 9, 18),
    }
    ms = timeline(facts=facts, today=date(2025, 10, 1))
    assert ms["draft_report"].status == DONE_ON_TIME and ms["draft_report"].working_days == 1
    assert ms["indicative_publication"].window == (date(2025, 6, 18), date(2025, 6, 25))
    assert ms["factcheck_return"].due == date(2025, 5, 22)  # 15 wd, early May bank holiday
    assert ms["factcheck_return"].status == DONE_ON_TIME
    assert ms["hmip_response"].due == date(2025, 6, 5)  # 10 wd, spring bank holiday 26 May
    # Publication 10-15 working days after 4 June: 18 to 25 June.
    assert ms["publication"].window == (date(2025, 6, 18), date(2025, 6, 25))
    assert ms["publication"].status == DONE_ON_TIME
    assert ms["press_release"].due == date(2025, 6, 18)  # on or before the publication day (¶35)
    assert ms["press_release"].status == DONE_ON_TIME
    assert ms["action_plan"].due == date(2025, 9, 18)  # 3 months after publication
    assert ms["action_plan"].status == DONE_ON_TIME
    assert {m.status for m in ms.values()} == {DONE_ON_TIME}


def test_domain_journey_fact_check_return_due_25_march():
    ms = timeline(day0=date(2025, 1, 17), facts={"draft_sent": date(2025, 3, 4)}, today=date(2025, 3, 4))
    factcheck = ms["factcheck_return"]
    assert factcheck.due == date(2025, 3, 25)
    assert factcheck.rule == "15 working days after the draft was received — MoU ¶32"
    assert factcheck.owner == "scrutiny"
    assert ms["indicative_publication"].proposed == date(2025, 4, 29)


@pytest.mark.parametrize(
    ("today", "status", "working_days"),
    [
        (date(2025, 3, 17), NOT_YET_DUE, 6),
        (date(2025, 3, 18), DUE_SOON, 5),
        (date(2025, 3, 22), DUE_SOON, 2),  # Saturday: Mon 24 and Tue 25 left
        (date(2025, 3, 24), DUE_SOON, 1),
        (date(2025, 3, 25), DUE_TODAY, 0),
        (date(2025, 3, 26), OVERDUE, 1),
        (date(2025, 3, 29), OVERDUE, 3),  # Saturday: overdue by 26, 27, 28 March
    ],
)
def test_status_against_today(today, status, working_days):
    m = timeline(facts={"draft_sent": date(2025, 3, 4)}, today=today)["factcheck_return"]
    assert (m.status, m.working_days) == (status, working_days)


def test_a_fact_arriving_late_is_done_late_by_working_days():
    m = timeline(
        facts={"draft_sent": date(2025, 3, 4), "factcheck_returned": date(2025, 4, 1)}, today=date(2025, 5, 1)
    )["factcheck_return"]
    assert (m.status, m.working_days, m.calendar_days) == (DONE_LATE, 5, 7)
    assert m.done_on == date(2025, 4, 1)


def test_late_over_easter_counts_only_working_days():
    # Return due Tue 15 April 2025 (draft 25 March); returned Wed 23 April: late by 16, 17, 22, 23.
    m = timeline(
        facts={"draft_sent": date(2025, 3, 25), "factcheck_returned": date(2025, 4, 23)},
        today=date(2025, 5, 1),
    )["factcheck_return"]
    assert m.due == date(2025, 4, 15)
    assert (m.status, m.working_days) == (DONE_LATE, 4)


def test_done_early_records_working_days_to_spare():
    m = timeline(
        facts={"draft_sent": date(2025, 3, 4), "factcheck_returned": date(2025, 3, 20)},
        today=date(2025, 5, 1),
    )["factcheck_return"]
    assert (m.status, m.working_days) == (DONE_ON_TIME, 3)


def test_a_calendar_day_deadline_on_a_saturday_is_not_rolled():
    ms = timeline(
        "urgent-notification",
        day0=date(2025, 3, 22),
        today=date(2025, 3, 30),
        facts={"un_letter_sent": date(2025, 3, 30)},
    )
    assert ms["un_letter"].due == date(2025, 3, 29)
    assert (ms["un_letter"].status, ms["un_letter"].working_days) == (DONE_LATE, 0)
    assert ms["un_letter"].calendar_days == 1


def test_later_facts_never_remove_earlier_milestones():
    bare = timeline(today=date(2025, 9, 1))
    published = timeline(today=date(2025, 9, 1), facts={"published": date(2025, 6, 18)})
    assert list(bare) == list(published)
    # Published without a fact-check return (MoU ¶32): the return is still shown, overtaken;
    # the publication window has no anchor but is done.
    assert published["factcheck_return"].status == OVERTAKEN
    assert published["publication"].status == DONE
    assert published["publication_aim"].status == DONE_ON_TIME
    assert published["action_plan"].due == date(2025, 9, 18)


def test_hmip_may_publish_without_the_fact_check_return():
    ms = timeline(
        today=date(2025, 7, 1), facts={"draft_sent": date(2025, 4, 30), "published": date(2025, 6, 25)}
    )
    assert ms["factcheck_return"].status == OVERTAKEN
    assert ms["factcheck_return"].note == "not returned: HMIP proceeded to publication on 25 June 2025"
    before = timeline(today=date(2025, 6, 24), facts={"draft_sent": date(2025, 4, 30)})
    assert before["factcheck_return"].status == OVERDUE
    assert "may publish anyway" in before["factcheck_return"].note


def test_press_release_due_before_an_early_publication():
    # HMIP responded Tue 8 April 2025: publication 24 April - 1 May, press release by 1 May
    # (¶35: on or before the publication day), but publishing on Mon 28 April pulls it to 28 April.
    facts = {"hmip_response_sent": date(2025, 4, 8)}
    ms = timeline(facts=facts, today=date(2025, 4, 9))
    assert ms["publication"].window == (date(2025, 4, 24), date(2025, 5, 1))
    assert ms["press_release"].due == date(2025, 5, 1)
    ms = timeline(
        facts={**facts, "published": date(2025, 4, 28), "press_release_shared": date(2025, 4, 29)},
        today=date(2025, 4, 29),
    )
    assert ms["press_release"].due == date(2025, 4, 28)
    assert (ms["press_release"].status, ms["press_release"].working_days) == (DONE_LATE, 1)


def test_weekend_and_bank_holiday_anchors():
    # An inspection ending on Saturday 21 Dec 2024 counts like Friday 20 Dec.
    assert timeline(day0=date(2024, 12, 21))["draft_report"].due == date(2025, 2, 7)
    assert timeline(day0=date(2024, 12, 20))["draft_report"].due == date(2025, 2, 7)
    # A draft sent on Boxing Day: 15 working days skip New Year's Day.
    ms = timeline(facts={"draft_sent": date(2024, 12, 26)}, today=date(2025, 1, 2))
    assert ms["factcheck_return"].due == date(2025, 1, 17)
    # A fact check returned on Good Friday 2025: 10 working days skip Easter Monday and 5 May.
    ms = timeline(facts={"factcheck_returned": date(2025, 4, 18)}, today=date(2025, 4, 18))
    assert ms["hmip_response"].due == date(2025, 5, 6)


def test_action_plan_month_end_clamping():
    ms = timeline(day0=date(2023, 8, 1), facts={"published": date(2023, 11, 30)}, today=date(2024, 1, 1))
    assert ms["action_plan"].due == date(2024, 2, 29)
    assert ms["action_plan"].rule == "3 months after the report was published — MoU ¶37"
    ms = timeline(day0=date(2024, 8, 1), facts={"published": date(2024, 11, 30)}, today=date(2025, 1, 1))
    assert ms["action_plan"].due == date(2025, 2, 28)


def test_extension_keeps_the_original_due_date():
    facts = {"draft_sent": date(2025, 3, 4), "factcheck_returned": date(2025, 4, 1)}
    extension = Extension(
        "factcheck_return", plus_working_days=5, reason="Complex report", by="Head of Scrutiny"
    )
    m = timeline(facts=facts, today=date(2025, 4, 2), extensions=[extension])["factcheck_return"]
    assert (m.due, m.original_due, m.status) == (date(2025, 4, 1), date(2025, 3, 25), DONE_ON_TIME)
    assert m.extension_reasons == ("Complex report",)
    moved = Extension("factcheck_return", new_due=date(2025, 3, 28), reason="Agreed")
    m = timeline(facts=facts, today=date(2025, 4, 2), extensions=[moved])["factcheck_return"]
    assert (m.due, m.original_due, m.status, m.working_days) == (
        date(2025, 3, 28),
        date(2025, 3, 25),
        DONE_LATE,
        2,
    )


def test_extension_of_a_window_moves_its_close():
    facts = {"hmip_response_sent": date(2025, 4, 8)}
    extension = Extension("publication", new_due=date(2025, 5, 9), reason="Minister away")
    m = timeline(facts=facts, today=date(2025, 4, 9), extensions=[extension])["publication"]
    assert m.window == (date(2025, 4, 24), date(2025, 5, 9))
    assert m.original_due == date(2025, 5, 1)


def test_bad_extensions_are_refused():
    with pytest.raises(ValueError, match="exactly one"):
        Extension("factcheck_return")
    with pytest.raises(ValueError, match="unknown milestone"):
        timeline(extensions=[Extension("nope", plus_working_days=1)])


def test_admin_added_holiday_moves_a_running_deadline():
    facts = {"draft_sent": date(2025, 3, 4)}
    moved = compute(
        "full-inspection",
        DAY0,
        facts,
        today=date(2025, 3, 5),
        calendar=WorkingCalendar(added=[date(2025, 3, 24)]),
    )
    assert {m.key: m for m in moved}["factcheck_return"].due == date(2025, 3, 26)


def test_urgent_notification_and_24_hours_across_the_clock_change():
    sent = datetime(2025, 3, 29, 10, 0, tzinfo=LONDON)
    ms = timeline(
        "urgent-notification",
        day0=date(2025, 3, 24),
        today=date(2025, 3, 30),
        facts={"un_letter_sent": sent, "un_published": datetime(2025, 3, 30, 11, 0, tzinfo=LONDON)},
    )
    assert ms["un_letter"].due == date(2025, 3, 31)
    assert ms["un_letter"].status == DONE_ON_TIME
    assert ms["un_publication"].due_at == datetime(2025, 3, 30, 11, 0, tzinfo=LONDON)
    assert ms["un_publication"].status == DONE_ON_TIME
    # 10:30 on the wall clock is only 23½ hours after the letter: early (¶41).
    early = timeline(
        "urgent-notification",
        day0=date(2025, 3, 24),
        today=date(2025, 3, 30),
        facts={"un_letter_sent": sent, "un_published": datetime(2025, 3, 30, 10, 30, tzinfo=LONDON)},
    )
    assert early["un_publication"].status == DONE_EARLY
    assert ms["sos_response"].due == date(2025, 4, 26)  # 28 calendar days after 29 March
    assert ms["sos_response"].owner == "sos"
    late = timeline(
        "urgent-notification",
        day0=date(2025, 3, 24),
        today=date(2025, 3, 30),
        facts={"un_letter_sent": sent, "un_published": datetime(2025, 3, 30, 11, 30, tzinfo=LONDON)},
    )
    assert (late["un_publication"].status, late["un_publication"].working_days) == (DONE_LATE, 0)


def test_un_publication_from_a_date_only_fact():
    ms = timeline(
        "urgent-notification",
        day0=date(2025, 3, 21),
        today=date(2025, 3, 27),
        facts={"un_letter_sent": date(2025, 3, 27)},
    )
    assert ms["un_publication"].due == date(2025, 3, 28) and ms["un_publication"].due_at is None
    assert ms["sos_response"].due == date(2025, 4, 24)


def test_sos_response_anchor_is_a_parameter():
    facts = {"un_letter_sent": date(2025, 3, 27), "un_published": date(2025, 3, 28)}
    ms = timeline(
        "urgent-notification",
        day0=date(2025, 3, 21),
        facts=facts,
        today=date(2025, 3, 28),
        sos_anchor="un_published",
    )
    assert ms["sos_response"].due == date(2025, 4, 25)
    assert "letter published" in ms["sos_response"].rule
    with pytest.raises(ValueError, match="sos_anchor"):
        timeline("urgent-notification", sos_anchor="debrief_held")


def test_irp_timeline():
    ms = timeline("irp", day0=date(2025, 6, 4), today=date(2025, 6, 4))
    assert ms["irp_draft"].due == date(2025, 6, 18)
    assert ms["irp_draft"].derived
    assert ms["irp_publication"].due == date(2025, 7, 9)
    ms = timeline(
        "irp", day0=date(2025, 6, 4), today=date(2025, 6, 19), facts={"draft_sent": date(2025, 6, 18)}
    )
    assert ms["irp_factcheck_return"].due == date(2025, 7, 2)
    assert ms["irp_factcheck_return"].owner == "scrutiny"


def test_thematic_stages_follow_the_full_inspection_unless_set_per_review():
    default = timeline("thematic", day0=date(2024, 12, 20))
    assert "debrief" not in default
    assert default["draft_report"].due == date(2025, 2, 7)
    assert default["draft_report"].source == "MoU ¶53 (¶31)"
    tailored = timeline(
        "thematic",
        day0=date(2024, 12, 20),
        facts={"hmip_response_sent": date(2025, 4, 8)},
        overrides={
            "draft_report": "40 working days",
            "draft_report_limit": "10 weeks",
            "publication": "5 to 10 working days",
            "action_plan": "not applicable",
        },
    )
    assert tailored["draft_report"].due == date(2025, 2, 19)
    # A longer target alone is still never later than the limit (¶31).
    capped = timeline("thematic", day0=date(2024, 12, 20), overrides={"draft_report": "40 working days"})
    assert capped["draft_report"].due == date(2025, 2, 7)
    assert tailored["draft_report"].rule.endswith("(set for this review)")
    assert tailored["publication"].window == (date(2025, 4, 15), date(2025, 4, 24))
    assert tailored["action_plan"].status == NOT_APPLICABLE
    with pytest.raises(ValueError, match="no rule 'debrief' to override"):
        timeline("thematic", overrides={"debrief": "1 day"})
    with pytest.raises(ValueError, match="not an offset"):
        timeline("thematic", overrides={"draft_report": "a while"})


def test_unknown_inputs_are_refused_with_their_names():
    with pytest.raises(ValueError, match="unknown process 'programmed'"):
        timeline("programmed")
    with pytest.raises(ValueError, match="unknown fact 'drafted'"):
        timeline(facts={"drafted": date(2025, 3, 1)})
    with pytest.raises(ValueError, match="must be a date"):
        timeline(facts={"draft_sent": "2025-03-01"})


def test_programme_rules():
    adult = programme_status(
        "adult_full_inspection",
        {"last_full_inspection": date(2021, 7, 12)},
        today=date(2026, 7, 13),
        calendar=CAL,
    )
    assert (adult.due, adult.status, adult.working_days) == (date(2026, 7, 12), OVERDUE, 1)
    cyp = programme_status(
        "cyp_full_inspection",
        {"last_full_inspection": date(2024, 8, 31)},
        today=date(2025, 1, 1),
        calendar=CAL,
    )
    assert cyp.window == (date(2026, 2, 28), date(2026, 8, 31))
    irp = programme_status(
        "irp_visit",
        {"last_full_inspection": date(2024, 5, 31), "irp_visit": date(2025, 3, 3)},
        today=date(2025, 4, 1),
        calendar=CAL,
    )
    assert irp.window == (date(2025, 1, 31), date(2025, 5, 31)) and irp.status == DONE_ON_TIME
    visit = programme_status(
        "cyp_visit", {"last_visit": date(2024, 2, 29)}, today=date(2025, 2, 1), calendar=CAL
    )
    assert visit.due == date(2025, 2, 28)
    notice = programme_status(
        "announced_inspection_notice",
        {"planned_inspection_start": date(2025, 8, 31)},
        today=date(2025, 1, 1),
        calendar=CAL,
    )
    assert notice.due == date(2025, 2, 28)
    assert notice.rule == "6 months before the announced inspection starts — MoU ¶8"


def test_recurring_obligations():
    assert next_recurring("concerns_database_share", date(2024, 11, 30)) == date(2025, 2, 28)
    assert next_recurring("mou_review", date(2024, 2, 29)) == date(2025, 2, 28)
    assert next_recurring("stakeholder_survey", date(2025, 1, 15)) == date(2026, 1, 15)
    survey = recurring_status(
        "inspection_plan_consultation", date(2024, 3, 1), today=date(2025, 3, 3), calendar=CAL
    )
    assert (survey.due, survey.status) == (date(2025, 3, 1), OVERDUE)
    never = recurring_status("hub_mou_review", None, today=date(2025, 3, 3), calendar=CAL)
    assert never.status == WAITING and never.owner == "hmpps"


def test_to_json_uses_iso_dates():
    ms = timeline(facts={"draft_sent": date(2025, 3, 4)}, today=date(2025, 3, 4))
    document = to_json(ms["indicative_publication"])
    assert document["window"] == ["2025-04-22", "2025-04-29"]
    assert document["due"] == "2025-04-29"
    assert {"key", "label", "due", "window", "rule", "source", "owner", "status"} <= set(document)
    assert to_json(ms["hmip_response"])["due"] is None
