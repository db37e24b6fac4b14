"""Property: after any sequence of operations, the incremental counters equal a rebuild
from the event log, and the task counters equal the tasks' real states."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stint.model.types import EventIn
from stint.sessions.doctor import check
from stint.tracker import Tracker

paths = st.sampled_from(["a.py", "src/b.py", "docs/ü.md", "c d.txt"])
operations = st.lists(
    st.one_of(
        st.tuples(st.just("task"), st.text(min_size=1, max_size=8).filter(str.strip)),
        st.tuples(
            st.just("move"),
            st.integers(0, 5),
            st.sampled_from(["todo", "in_progress", "completed"]),
        ),
        st.tuples(st.just("decision"), st.text(min_size=1, max_size=8).filter(str.strip)),
        st.tuples(st.just("context"), st.lists(paths, max_size=3)),
        st.tuples(st.just("edit"), paths, st.integers(0, 50), st.integers(0, 50)),
        st.tuples(st.just("tool"), st.integers(0, 4), st.booleans()),
        st.tuples(st.just("tokens"), st.integers(0, 10**6), st.integers(0, 10**5)),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_doctor_agrees_with_the_incremental_path(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tracker = Tracker.open(f"sqlite:///{Path(tmp) / 'p.db'}")
        session = tracker.start(project="p", cwd=tmp)
        task_ids: list[int] = []
        for op in ops:
            kind = op[0]
            if kind == "task":
                task_ids.append(tracker.add_task(session.id, str(op[1])).id)
            elif kind == "move" and task_ids:
                task_ids_index = int(op[1]) % len(task_ids)
                tracker.set_task_status(session.id, task_ids[task_ids_index], str(op[2]))
            elif kind == "decision":
                tracker.add_decision(session.id, str(op[1]))
            elif kind == "context":
                mentions = " ".join(f"@{p}" for p in op[1] if " " not in p)
                tracker.add_context(session.id, f"see {mentions}")
            elif kind == "edit":
                tracker.touch_file(
                    session.id,
                    str(op[1]),
                    added=int(op[2]),
                    removed=int(op[3]),
                )
            elif kind == "tool":
                tracker.record(
                    session.id, EventIn("tool_call", key=f"t{op[1]}", payload={"success": op[2]})
                )
            elif kind == "tokens":
                tracker.record(
                    session.id,
                    EventIn(
                        "tokens",
                        payload={"model": "m", "input_tokens": op[1], "output_tokens": op[2]},
                    ),
                )
        assert check(tracker) == []
        got = tracker.get(session.id)
        states = [t.status for t in tracker.tasks(session.id)]
        assert got.tasks_created == len(states)
        assert got.tasks_completed == states.count("completed")
        assert got.tasks_in_progress == states.count("in_progress")
        assert got.tasks_todo == states.count("todo")
        tracker.close()
