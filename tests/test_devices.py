"""Remembered browsers (the cookie that keeps a learner signed in) on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from course.store import REMEMBER_DAYS, Devices, Store
from course.store.schema import learner_devices

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_token_signs_its_learner_in_until_it_is_forgotten(store: Store) -> None:
    devices = Devices(store.engine)
    mine, code = store.create_learner(NOW)
    other, _ = store.create_learner(NOW)
    token = devices.remember(mine, NOW)
    assert code not in token and len(token) >= 43
    assert devices.find(token, NOW + timedelta(hours=1)) == mine
    assert devices.find(devices.remember(other, NOW), NOW) == other
    assert devices.find(token + "x", NOW) is None
    assert devices.forget(token) is True
    assert devices.find(token, NOW) is None
    assert devices.forget(token) is False


def test_only_a_hash_of_the_token_is_stored(store: Store) -> None:
    devices = Devices(store.engine)
    learner, _ = store.create_learner(NOW)
    token = devices.remember(learner, NOW)
    with store.engine.connect() as conn:
        stored = conn.execute(select(learner_devices.c.token_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_a_token_unused_for_too_long_no_longer_works(store: Store) -> None:
    devices = Devices(store.engine)
    learner, _ = store.create_learner(NOW)
    token = devices.remember(learner, NOW)
    # Each use moves the window on: used on day 20, still good on day 20 + REMEMBER_DAYS.
    assert devices.find(token, NOW + timedelta(days=20)) == learner
    assert devices.find(token, NOW + timedelta(days=20 + REMEMBER_DAYS)) == learner
    late = NOW + timedelta(days=20 + 2 * REMEMBER_DAYS, seconds=1)
    assert devices.find(token, late) is None


def test_no_token_for_a_learner_who_does_not_exist(store: Store) -> None:
    with pytest.raises(LookupError):
        Devices(store.engine).remember(12345, NOW)


def test_delete_ends_every_remembered_browser_and_export_names_no_token(store: Store) -> None:
    devices = Devices(store.engine)
    learner, _ = store.create_learner(NOW)
    tokens = [devices.remember(learner, NOW), devices.remember(learner, NOW)]
    exported = json.dumps(store.export_learner(learner), default=str)
    assert len(store.export_learner(learner)["learner_devices"]) == 2
    assert not any(token in exported for token in tokens)
    assert "token_hash" not in exported
    store.delete_learner(learner)
    assert [devices.find(token, NOW) for token in tokens] == [None, None]
