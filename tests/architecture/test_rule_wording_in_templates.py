"""No deadline is typed into a template: pages say a rule through deadline_rule(process, key), from
the one rule table (timelines/core/rules.py), so the words and the dates cannot drift apart."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# "15 working days", "28 calendar days", "within 3 months", "24 hours after": a rule's own words
RULE_WORDS = re.compile(r"\b\d+\s+(working days?|calendar days?|weeks?|months?|hours?)\b(?! such as)")
# Examples of what a person may type in a form are not rules; a sign-in link's life is no deadline.
EXAMPLES = re.compile(r'such as[^<]*|"[^"]*(working days|weeks|months)"|for 72 hours')


def test_no_template_types_a_deadline():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            text = EXAMPLES.sub("", re.sub(r"{{.*?}}|{%.*?%}", "", line))
            if RULE_WORDS.search(text):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {text.strip()[:100]}")
    assert not found, found


def test_no_template_adds_a_source_to_a_rule_that_already_names_it():
    """A stored milestone's rule already ends with its source ("… — MoU ¶37"): a page that adds
    the source again says "MoU ¶37 — MoU ¶37"."""
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.rule\b.*\.source\b", line)
    ]
    assert not found, found
