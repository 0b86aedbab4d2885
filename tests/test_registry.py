"""The outlet registry: every shipped row checked, a user's file added over it, bad rows refused."""

from __future__ import annotations

import csv
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from newsprism.errors import InputError
from newsprism.meta import default_directory, load_sources_csv
from newsprism.registry import COLUMNS, check_registry, main, shipped_outlets, shipped_sources


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_every_shipped_row_passes_the_checks_with_its_sources_listed() -> None:
    text = resources.files("newsprism.data").joinpath("outlets.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert check_registry(rows, shipped_sources()) == []
    outlets = shipped_outlets()
    assert len(outlets) >= 500
    assert len({o.country for o in outlets if o.country}) >= 40
    for source in shipped_sources().values():  # every source says where it is and under which licence
        assert source["url"] and source["licence"]


def test_the_registry_knows_state_media_agencies_and_public_broadcasters_with_evidence() -> None:
    directory = default_directory()
    sputnik = directory.for_domain("sputniknews.com")
    assert sputnik is not None and (sputnik.country, sputnik.ownership) == ("RU", "state")
    assert sputnik.evidence["ownership"] in shipped_sources()
    afp = directory.for_name("Agence France-Presse")
    assert afp is not None and afp.ownership == "agency" and afp.country == "FR"
    kinds = {o.ownership for o in shipped_outlets()}
    assert {"state", "public", "private", "agency"} <= kinds


def test_the_check_names_each_bad_row_and_its_reason() -> None:
    rows = [
        {"name": "Good", "domains": "good.example.com", "country": "FR", "country_source": "x"},
        {"name": "", "domains": "bad_domain", "country": "XX", "country_source": "x"},
        {"name": "Twice", "domains": "good.example.com", "ownership": "left-wing", "ownership_source": "x"},
        {"name": "Guess", "country": "DE"},
        {"name": "Language", "languages": "english", "languages_source": "x"},
    ]
    problems = check_registry(rows)
    assert "row 3: no name" in problems
    assert "row 3: domain 'bad_domain' is not a host name" in problems
    assert "row 3: country 'XX' is not an ISO 3166-1 alpha-2 code" in problems
    assert "row 4: domain 'good.example.com' is already in row 2" in problems
    assert any(p.startswith("row 4: ownership 'left-wing' is not one of") for p in problems)
    assert "row 5: country has no source (country_source is empty)" in problems
    assert "row 6: language 'english' is not an ISO 639-1 code" in problems


def test_a_users_registry_adds_and_overrides_outlets_with_their_own_axes(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "mine.csv",
        [
            {
                "name": "Lenta.ru",
                "domains": "lenta.ru",
                "country": "RU",
                "ownership": "private",
                "ownership_source": "my notes",
                "country_source": "my notes",
                "reach": "national",
            },
            {
                "name": "Kyiv Independent",
                "domains": "kyivindependent.com",
                "country": "UA",
                "country_source": "my notes",
                "reach": "national",
            },
        ],
        (*COLUMNS, "reach"),
    )
    directory = load_sources_csv(str(path))
    lenta = directory.for_domain("lenta.ru")
    assert lenta is not None and lenta.ownership == "private" and lenta.extra == {"reach": "national"}
    assert directory.for_domain("kyivindependent.com") is not None
    assert directory.axes == ("reach",)
    assert directory.for_domain("sputniknews.com") is not None  # the shipped registry stays under it


def test_a_bad_user_registry_is_refused_in_one_line_naming_the_file_and_row(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", [{"name": "X", "domains": "not a domain"}])
    with pytest.raises(InputError) as raised:
        load_sources_csv(str(path))
    message = str(raised.value)
    assert "bad.csv" in message and "row 2: domain 'not a domain' is not a host name" in message
    assert "\n" not in message


def test_the_check_command_reports_counts_and_fails_on_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    assert "0 problems" in capsys.readouterr().out
    bad = _write(tmp_path / "bad.csv", [{"name": "X", "country": "ZZ", "country_source": "s"}])
    assert main(["check", str(bad)]) == 1
    assert "country 'ZZ'" in capsys.readouterr().out
    result = subprocess.run(
        [sys.executable, "-m", "newsprism.registry", "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "outlets" in result.stdout


def test_a_sources_file_with_too_many_or_repeated_columns_is_refused(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join([*COLUMNS, *(f"c{i}" for i in range(40))]) + "\nX\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns, over the limit"):
        load_sources_csv(str(wide))
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("name,domains,name\nX,x.com,Y\n", encoding="utf-8")
    with pytest.raises(InputError, match="blank or repeated column"):
        load_sources_csv(str(repeated))
