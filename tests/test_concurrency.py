"""Several people (or one impatient thumb) writing at once: nothing fails, nothing doubles."""

from __future__ import annotations

import threading
import uuid
from datetime import date, time

from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Walk
from gembawalk.services.walks import lifecycle as walks

THREADS = 8


def _run_in_threads(app, work, threads: int = THREADS) -> list[BaseException]:
    """Call work(index) from `threads` threads released together; what any of them raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def runner(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                work(index)
            except BaseException as error:  # noqa: BLE001  (reported to the test below)
                errors.append(error)
            finally:
                db.session.remove()

    started = [threading.Thread(target=runner, args=(i,)) for i in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return errors


def _plan() -> walks.WalkPlan:
    return walks.WalkPlan(kind="gemba_walk", day=date(2099, 5, 4), at=time(9, 0), place="Dock")


def test_concurrent_writers_all_succeed(app, manager):
    manager_id = manager.id
    db.session.commit()

    def plan_one(_index: int) -> None:
        walks.plan_walk(db.session.get(type(manager), manager_id), _plan())

    assert _run_in_threads(app, plan_one) == []
    assert db.session.scalar(select(func.count(Walk.id))) == THREADS


def test_the_same_walk_sent_from_several_threads_is_stored_once(app, manager):
    manager_id, walk_id = manager.id, uuid.uuid4()
    db.session.commit()

    def plan_same(_index: int) -> None:
        walk = walks.plan_walk(db.session.get(type(manager), manager_id), _plan(), walk_id=walk_id)
        assert walk.uuid == walk_id

    assert _run_in_threads(app, plan_same) == []
    assert db.session.scalar(select(func.count(Walk.id))) == 1
