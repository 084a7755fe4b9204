"""The audit table: time, account, event, detail and kind, in words as well as colours."""

from __future__ import annotations

import re

from mfalab import AuditEvent
from mfalab.widgets.audit import EVENT_KINDS, EVENT_NOTES, audit_table
from mfalab.widgets.login_app import audit_table as from_the_app

START = 1_700_000_000  # 2023-11-14T22:13:20Z


def html_text(value: str) -> str:
    return re.sub(r"<[^>]+>", " ", value)


def test_the_audit_table_shows_time_account_event_and_meaning() -> None:
    events = [
        AuditEvent(START + 5, "bob", "lockout", "factor locked for 30 s"),
        AuditEvent(START, "bob", "code_rejected", "factor failure 5 in a row"),
    ]
    table = audit_table(events)
    text = html_text(table)
    assert table.startswith("<table")
    assert text.index("2023-11-14 22:13:20") < text.index("2023-11-14 22:13:25")  # sorted
    assert "account locked for a while; factor locked for 30 s" in table
    assert EVENT_NOTES["code_rejected"] in table


def test_the_audit_table_escapes_what_it_shows() -> None:
    table = audit_table([AuditEvent(START, "<b>eve</b>", "registered", "<script>")])
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "&lt;b&gt;eve&lt;/b&gt;" in table


def test_the_audit_table_keeps_the_newest_rows_and_counts_the_rest() -> None:
    events = [AuditEvent(START + i, "bob", "code_rejected") for i in range(20)]
    table = audit_table(events, last=5)
    assert table.count("<tr style") == 5
    assert "15 earlier events not shown" in table
    assert "22:13:39" in table and "22:13:34" not in table


def test_an_empty_audit_table_says_so() -> None:
    assert "no events yet" in audit_table([])


def test_every_coloured_row_says_its_kind_in_words() -> None:
    """Colour is never the only cue: a coloured row has an icon and a word for its kind."""
    kinds = {"failure", "alarm", "not counted", "way back", "success"}
    assert set(EVENT_KINDS.values()) == kinds
    for event, kind in EVENT_KINDS.items():
        row = audit_table([AuditEvent(START, "bob", event)])
        body = row[row.index("<tbody>"):]
        assert "background:#" in body, event
        assert html_text(body).split()[-1] == kind.split()[-1], event
    plain = audit_table([AuditEvent(START, "bob", "registered")])
    assert "background:transparent" in plain
    assert "Kinds: ⚠️ failure" in plain  # the caption explains the icons


def test_merged_refusals_show_their_count() -> None:
    table = audit_table([AuditEvent(START, "bob", "refused_while_locked", repeats=7)])
    assert "× 7" in table


def test_every_event_the_service_records_has_a_note() -> None:
    from mfalab.events import Event

    assert {str(event) for event in Event} <= set(EVENT_NOTES)


def test_the_table_is_still_importable_from_the_login_app() -> None:
    assert from_the_app is audit_table
