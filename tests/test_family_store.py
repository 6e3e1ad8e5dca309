"""Family pieces of the store on real SQLite and PostgreSQL: plans, audience, session hosts."""

from datetime import UTC, datetime, timedelta

import pytest

from course.store import Facilitators, Plans, Sessions, Store, Throttled
from course.store.hosts import FAMILY_MIN_GROUP, Hosts, host_username

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
PLAN = {
    "warning_signs": "Stays in bed, skips work, <script>alert(1)</script>",
    "naloxone": "Kitchen drawer, left of the sink",
    "who_to_call": "Aunt Rosa 555-0100\nDr. Lee 555-0111",
}


def test_a_saved_plan_comes_back_and_is_replaced(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    plans = Plans(store.engine)
    assert plans.get(learner) is None
    plans.save(learner, PLAN, NOW)
    assert plans.get(learner) == PLAN
    plans.save(learner, {"naloxone": "In my bag"}, NOW + timedelta(minutes=1))
    assert plans.get(learner) == {"naloxone": "In my bag"}


def test_a_plan_goes_with_export_and_delete(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    other, _ = store.create_learner(NOW)
    Plans(store.engine).save(learner, PLAN, NOW)
    Plans(store.engine).save(other, {"naloxone": "car"}, NOW)
    exported = store.export_learner(learner)
    assert [row["learner_id"] for row in exported["support_plans"]] == [learner]
    assert exported["support_plans"][0]["plan"] == PLAN
    assert store.delete_learner(learner) == 2  # the plan and the learner
    assert Plans(store.engine).get(learner) is None
    assert Plans(store.engine).get(other) == {"naloxone": "car"}


def test_deleting_a_plan_leaves_the_learner(store: Store) -> None:
    learner, code = store.create_learner(NOW)
    plans = Plans(store.engine)
    plans.save(learner, PLAN, NOW)
    assert plans.delete(learner) is True
    assert plans.delete(learner) is False
    assert plans.get(learner) is None
    assert store.find_learner(code) == learner


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ({"naloxone": "x" * 20_001}, ValueError),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_kept(
    store: Store, plan: dict[str, str], problem: type[Exception]
) -> None:
    learner, _ = store.create_learner(NOW)
    with pytest.raises(problem):
        Plans(store.engine).save(learner, plan, NOW)
    assert Plans(store.engine).get(learner) is None


def test_hidden_characters_in_a_plan_are_left_out(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    Plans(store.engine).save(learner, {"naloxone": "nul\x00here\r\n\ud800"}, NOW)
    assert Plans(store.engine).get(learner) == {"naloxone": "nulhere\n\ufffd"}


def test_a_plan_needs_a_learner(store: Store) -> None:
    with pytest.raises(LookupError, match="no learner 999"):
        Plans(store.engine).save(999, PLAN, NOW)


def test_audience_is_remembered_per_learner(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    other, _ = store.create_learner(NOW)
    assert store.audience_of(learner) == "learner"
    store.set_audience(learner, "family")
    assert (store.audience_of(learner), store.audience_of(other)) == ("family", "learner")
    with pytest.raises(ValueError, match="audience must be one of learner, family"):
        store.set_audience(learner, "both")


def test_a_host_leads_only_its_own_family_session(store: Store) -> None:
    hosts, sessions = Hosts(store.engine), Sessions(store.engine)
    room, host, token = hosts.start("naloxone", "intro", NOW, min_group_size=FAMILY_MIN_GROUP)
    other_room, other_host, _ = hosts.start("naloxone", "intro", NOW)
    assert (room.kind, room.min_group_size, room.status) == ("family", 2, "open")
    assert hosts.find(token) == host and hosts.find(token + "x") is None
    assert host != other_host
    sessions.move(room.id, host, 1, "signs", NOW)
    assert sessions.owned(room.id, host).step_id == "signs"
    from course.store import NotAllowed

    with pytest.raises(NotAllowed):
        sessions.move(other_room.id, host, 1, "signs", NOW)
    assert sessions.owned(other_room.id, other_host).step_index == 0


def test_hosts_never_sign_in_or_show_as_accounts(store: Store) -> None:
    accounts = Facilitators(store.engine)
    accounts.add("counselor", "a long pass phrase", NOW)
    _, _, token = Hosts(store.engine).start("naloxone", "intro", NOW)
    assert accounts.usernames() == ["counselor"]
    for password in ("", "!", token):
        assert accounts.verify(host_username(token), password, NOW) is None
    with pytest.raises(LookupError):
        accounts.set_password(host_username(token), "another long phrase")


def test_family_sessions_are_rate_limited_for_the_whole_app(store: Store) -> None:
    hosts = Hosts(store.engine, per_hour=3)
    for minute in range(3):
        hosts.start("naloxone", "intro", NOW + timedelta(minutes=minute))
    with pytest.raises(Throttled) as refused:
        hosts.start("naloxone", "intro", NOW + timedelta(minutes=10))
    assert refused.value.wait_seconds == pytest.approx(50 * 60)
    room, _, _ = hosts.start("naloxone", "intro", NOW + timedelta(minutes=61))  # one left the hour
    assert room.kind == "family"


def test_a_family_sessions_mode_is_kept_with_the_session(store: Store) -> None:
    """A reload reads the mode from here, so it is the session's, not one browser tab's."""
    from course.store import NotAllowed, RoomClosed

    hosts, sessions = Hosts(store.engine), Sessions(store.engine)
    room, host, _ = hosts.start("naloxone", "intro", NOW, mode="screen")
    other_room, other_host, _ = hosts.start("naloxone", "intro", NOW, mode="phones")
    assert room.family_mode == "screen"
    assert sessions.owned(room.id, host).family_mode == "screen"
    sessions.set_family_mode(room.id, host, "phones", NOW)
    assert sessions.owned(room.id, host).family_mode == "phones"
    assert sessions.owned(other_room.id, other_host).family_mode == "phones"
    with pytest.raises(ValueError, match="family_mode must be one of screen, phones; got 'tv'"):
        sessions.set_family_mode(room.id, host, "tv", NOW)
    with pytest.raises(NotAllowed):
        sessions.set_family_mode(other_room.id, host, "screen", NOW)
    with pytest.raises(ValueError, match="family_mode must be one of screen, phones"):
        hosts.start("naloxone", "intro", NOW, mode="")
    # A counselor's group session has no family mode.
    counselor = Facilitators(store.engine).add("counselor", "a long pass phrase", NOW)
    group = sessions.start(counselor, "naloxone", "group", "intro", NOW)
    assert group.family_mode is None
    with pytest.raises(ValueError, match="only a family session has a family_mode"):
        sessions.set_family_mode(group.id, counselor, "screen", NOW)
    with pytest.raises(ValueError, match="only a family session has a family_mode"):
        sessions.start(counselor, "naloxone", "group", "intro", NOW, family_mode="screen")
    sessions.set_status(room.id, host, "closed", NOW)
    with pytest.raises(RoomClosed):
        sessions.set_family_mode(room.id, host, "screen", NOW)
    assert sessions.owned(room.id, host).family_mode == "phones"
