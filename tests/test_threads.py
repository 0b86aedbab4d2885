"""The CPU budget models size their thread pools by: NEWSPRISM_THREADS, else OMP_NUM_THREADS (set
by Ray to a worker's CPUs), else the machine's cores as before."""

from __future__ import annotations

import os

import pytest

from newsprism.errors import NewsprismError
from newsprism.threads import DEFAULT_MAX_THREADS, cpu_budget, pinned_environment


@pytest.fixture(autouse=True)
def no_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSPRISM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)


def test_without_a_budget_the_machine_decides_as_before() -> None:
    assert cpu_budget() == min(DEFAULT_MAX_THREADS, os.cpu_count() or 1)


def test_ray_s_omp_num_threads_is_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert cpu_budget() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "6,2")  # OpenMP's per-level list: the outer level's
    assert cpu_budget() == 6
    monkeypatch.setenv("OMP_NUM_THREADS", "lots")  # not ours to refuse: ignored
    assert cpu_budget() == min(DEFAULT_MAX_THREADS, os.cpu_count() or 1)


def test_an_explicit_budget_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("NEWSPRISM_THREADS", "3")
    assert cpu_budget() == 3


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_explicit_budget_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NEWSPRISM_THREADS", value)
    with pytest.raises(NewsprismError, match=f"NEWSPRISM_THREADS='{value}': give a whole number"):
        cpu_budget()


def test_a_pinned_environment_holds_every_thread_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = pinned_environment(1)
    assert environment == {
        "NEWSPRISM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "RAYON_NUM_THREADS": "1",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert cpu_budget() == 1
    with pytest.raises(NewsprismError, match="at least 1"):
        pinned_environment(0)


def test_the_models_take_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.embed import MiniLMOnnx

    monkeypatch.setenv("NEWSPRISM_THREADS", "1")
    session = MiniLMOnnx()._session
    assert session.get_session_options().intra_op_num_threads == 1
