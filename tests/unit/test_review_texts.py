"""The log follow-up pages say what an access touched in Swedish, never the log's internal code."""

from __future__ import annotations

import pytest

from nara.core.i18n import t
from nara.review.service.cases import resource_text


@pytest.mark.parametrize(("resource_type", "resource_id", "text"), [
    ("emergency_access", None, "Nödåtkomst"),
    ("care_relationship", None, "Vårdrelation"),
    ("plan", "12", "Plan nr 12"),
    ("discharge", "3", "Utskrivningsprocess nr 3"),
    ("person", "216", "Personuppgifter"),  # a person's id is not shown
    ("social_dokumentation", "5", "SOCIAL"),  # an information category: its Swedish name
    ("something_new", "7", "Annan uppgift"),  # a type without a text is never shown as its code
    (None, None, None),
])
def test_what_an_access_touched_is_said_in_swedish(resource_type, resource_id, text):
    shown = resource_text(resource_type, resource_id)
    assert shown == (t("access.category.social_dokumentation").capitalize() if text == "SOCIAL" else text)
    assert shown is None or "_" not in shown
