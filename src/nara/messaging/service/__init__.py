"""The messaging part's public face (DOMAIN.md §4–5): threads between the person and their care team, and between
staff of two units about one person; every read and write through the access policy, logged."""

from nara.messaging.service.common import LIVE_KIND, Outlets, outlets_of, person_of
from nara.messaging.service.reading import (
    PostOut,
    ReadyNotice,
    Receivers,
    ThreadSummary,
    ThreadView,
    UnitChoice,
    inbox,
    my_threads,
    read_thread,
    ready_notices,
    receivers,
    team_receivers,
    threads_about,
    unread_count,
)
from nara.messaging.service.writing import close, mark_read, post, start_team_thread, start_thread, take

__all__ = [
    "LIVE_KIND",
    "Outlets",
    "PostOut",
    "ReadyNotice",
    "Receivers",
    "ThreadSummary",
    "ThreadView",
    "UnitChoice",
    "close",
    "inbox",
    "mark_read",
    "my_threads",
    "outlets_of",
    "person_of",
    "post",
    "read_thread",
    "ready_notices",
    "receivers",
    "start_team_thread",
    "start_thread",
    "take",
    "team_receivers",
    "threads_about",
    "unread_count",
]
