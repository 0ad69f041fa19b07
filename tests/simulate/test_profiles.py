"""County profiles: the default county is unchanged, foreign counties differ in the declared ways."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from yunshao.cli import app
from yunshao.contract import load_dataset
from yunshao.engine import connect
from yunshao.settings import Settings
from yunshao.simulate import SimulationSummary, simulate
from yunshao.simulate.profiles import PROFILES, get_profile, profiles_markdown

FOREIGN = [name for name in PROFILES if name != "default"]
N = 1_500
SEED = 5
#: Content hash of simulate(ds, 1000, seed=3, label_frac=0.4): the county computed before profiles existed,
#: plus the honest reductions (核减) of issue 17. With ``money.REDUCTION_SHARE = 0`` it is the earlier
#: 994760a0…2fdf exactly; with bad rows off, the reductions change only the 24 projects they are planted in
#: (C17 amounts and notes, the C18/C20 amounts, payments and settlements that follow them; one settlement
#: payment falls to zero and is not made, which shifts later payment ids). Issue 18 (f9276de4…b1eb before):
#: 220 of the 1,000 projects are township power items (simulate/township/), the main plan holds 780.
DEFAULT_CONTENT_SHA256 = "8b912a128c8c04e63159c9de6bb73c1520bde64972746dffade65038fcf03913"


def _content_hash(folder: Path) -> str:
    """Hash of every table's schema and values (independent of the Parquet writer's version)."""
    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        h.update(f.name.encode())
        if f.suffix == ".parquet":
            t = pq.read_table(f)
            h.update(str(t.schema).encode())
            for name in t.column_names:
                h.update(repr(t.column(name).to_pylist()).encode())
        else:
            h.update(f.read_bytes())
    return h.hexdigest()


def _bytes_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.mark.slow
def test_default_profile_is_todays_county(tmp_path: Path) -> None:
    plain = simulate(tmp_path / "plain", 1_000, 3, label_frac=0.4)
    named = simulate(tmp_path / "named", 1_000, 3, label_frac=0.4, profile="default")
    assert _bytes_hash(Path(plain.out)) == _bytes_hash(Path(named.out))
    assert _content_hash(Path(named.out)) == DEFAULT_CONTENT_SHA256
    assert named.profile == "default"
    posts = pq.read_table(named.truth / "posts.parquet").to_pylist()
    planted = pq.read_table(named.truth / "planted.parquet").to_pylist()
    named_posts = {r["entity_id"] for r in planted if r["entity_type"] == "post"}
    assert {p["post_id"] for p in posts if p["corrupt"]} == named_posts
    assert pq.read_table(named.truth / "practices.parquet").num_rows == 0


def test_unknown_profile_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="known: default, "):
        get_profile("atlantis")
    result = CliRunner().invoke(app, ["simulate", str(tmp_path / "x"), "--projects", "10", "--profile", "atlantis"])
    assert result.exit_code == 2
    assert "unknown profile 'atlantis'" in result.output and "hillcounty" in result.output


def test_profiles_are_declared_and_documented() -> None:
    assert len(FOREIGN) >= 4
    table = profiles_markdown()
    for p in PROFILES.values():
        assert f"`{p.name}`" in table and p.zh in table and p.changes[0] in table
        lo, hi = p.planted_share
        assert 0.02 <= lo < hi <= 0.12
    for name in FOREIGN:
        p = PROFILES[name]
        assert p.corrupt_share[0] >= 0.10 and p.corrupt_share[1] <= 0.30 and p.corrupt_assign_p > 0.5
        assert p.wrong_unfounded_p > 0 and p.label_focus


@pytest.fixture(scope="module", params=FOREIGN)
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    root = tmp_path_factory.mktemp(request.param)
    return simulate(root / "ds", N, SEED, label_frac=0.4, truth=root / "truth", profile=request.param)


def _con(s: SimulationSummary) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in ("approvals", "labels"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{s.out}/{name}*.parquet')")
    for name in ("planted", "posts"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{s.truth / (name + '.parquet')}')")
    return con


@pytest.mark.slow
def test_loads_with_only_the_deliberate_bad_rows_quarantined(county: SimulationSummary) -> None:
    con = connect(None, Settings().engine)
    report = load_dataset(Path(county.out), con, Settings().load)
    bad = Counter(pq.read_table(county.truth / "bad_rows.parquet").column("table").to_pylist())
    assert {k: t.quarantined for k, t in report.tables.items() if t.quarantined} == dict(bad)


@pytest.mark.slow
def test_planted_share_and_summary(county: SimulationSummary) -> None:
    p = PROFILES[county.profile]
    lo, hi = p.planted_share
    assert lo <= county.planted_projects / county.n_projects <= hi
    assert county.profile != "default"


@pytest.mark.slow
def test_corrupt_posts_are_a_busy_minority(county: SimulationSummary) -> None:
    con = _con(county)
    approving, corrupt, tied = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE p.corrupt), sum(p.projects) FILTER (WHERE p.corrupt)
           FROM (SELECT DISTINCT post_id FROM approvals WHERE action = 'approve') a
           JOIN posts p USING (post_id)"""
    ).fetchone()
    assert 0.10 <= corrupt / approving <= 0.30
    assert tied / corrupt >= 2.0
    # most official-side planted projects are tied to a corrupt post
    schemes = con.execute("SELECT DISTINCT unnest(schemes) FROM posts WHERE corrupt").fetchall()
    assert {"tender_splitting", "settlement_inflation", "self_approval"} <= {r[0] for r in schemes}


@pytest.mark.slow
def test_timing_conventions_are_visible(county: SimulationSummary) -> None:
    p = PROFILES[county.profile]
    date_only, offline, weekend, evening = (
        _con(county)
        .execute(
            """SELECT avg((strftime(occurred_at, '%H:%M:%S') = '00:00:00')::INT),
                  avg((channel = 'offline')::INT),
                  avg((isodow(occurred_at) >= 6)::INT),
                  avg((hour(occurred_at) + minute(occurred_at) / 60 BETWEEN 17.5 AND 22)::INT)
                      FILTER (WHERE channel = 'online' AND strftime(occurred_at, '%H:%M:%S') <> '00:00:00')
           FROM approvals"""
        )
        .fetchone()
    )
    assert date_only == pytest.approx(p.date_only_p, abs=0.02)
    assert offline == pytest.approx(p.offline_share, rel=0.25, abs=0.01)
    assert evening == pytest.approx(p.evening_p, rel=0.2, abs=0.01)
    if p.weekend_share > 0.05:  # batch entry moves offline rows to weekdays: only check Saturday counties
        assert weekend == pytest.approx(p.weekend_share, rel=0.3)


@pytest.mark.slow
def test_labels_are_noisy_and_focused(county: SimulationSummary) -> None:
    con = _con(county)
    p = PROFILES[county.profile]
    unfounded, wrong = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE entity_id IN (SELECT project_id FROM planted))
           FROM labels WHERE outcome = 'unfounded'"""
    ).fetchone()
    assert wrong > 0 and wrong / unfounded == pytest.approx(p.wrong_unfounded_p, abs=0.08)
    cases, positive = con.execute(
        """SELECT (SELECT count(*) FROM planted WHERE entity_type <> 'post'), count(*) FROM labels l
           JOIN planted t ON t.entity_type = l.entity_type AND t.entity_id = l.entity_id AND t.scheme = l.scheme
           WHERE l.outcome <> 'unfounded' AND l.entity_type <> 'post'"""
    ).fetchone()
    assert 0.28 * cases <= positive <= 0.55 * cases


@pytest.mark.slow
def test_posts_truth_columns(county: SimulationSummary) -> None:
    t = pq.read_table(county.truth / "posts.parquet")
    assert t.schema.field("post_id").type == pa.string()
    assert t.schema.field("corrupt").type == pa.bool_()
    assert t.schema.field("schemes").type == pa.list_(pa.string())
    assert t.schema.field("projects").type == pa.int64()
    assert pq.read_table(county.truth / "practices.parquet").num_rows > 0


@pytest.mark.slow
def test_no_labels_without_label_frac(tmp_path: Path) -> None:
    s = simulate(tmp_path / "ds", 600, 2, label_frac=0.0, profile="oldtown")
    assert s.labels == 0 and not list(Path(s.out).glob("labels*"))
    assert (s.truth / "posts.parquet").exists()


def _tables(folder: Path) -> dict[str, list[dict[str, object]]]:
    """Rows of every table, its parts concatenated in order (part files depend on the chunk size)."""
    names = sorted({f.name.split(".")[0] for f in folder.glob("*.parquet")})
    return {
        n: pa.concat_tables(pq.read_table(f) for f in sorted(folder.glob(f"{n}.*parquet"))).to_pylist() for n in names
    }


@pytest.mark.slow
def test_foreign_county_does_not_depend_on_chunk_size(tmp_path: Path) -> None:
    a = simulate(tmp_path / "a", 1_100, 4, profile="rivercity", chunk_projects=500)
    b = simulate(tmp_path / "b", 1_100, 4, profile="rivercity")
    assert _tables(Path(a.out)) == _tables(Path(b.out))
    assert (a.truth / "posts.parquet").read_bytes() == (b.truth / "posts.parquet").read_bytes()
