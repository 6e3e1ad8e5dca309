"""The dashboard page says what each number is: populations, n, plain words (AppTest, SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from apptest_kit import open_page
from streamlit.testing.v1 import AppTest

from course.model import Course
from course.scoring import correct_answer
from course.store import Cohorts, Facilitators, Store
from course.ui.staff import Facilitator

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
QUIZ = "drug-supply-and-overdose-quiz"


def cohort(db_url: str, learners: int) -> tuple[Store, Facilitator, list[int]]:
    store = Store(db_url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    made = Cohorts(store.engine).create(lead, "Tuesday group", NOW)
    members = [store.create_learner(NOW)[0] for _ in range(learners)]
    for learner in members:
        Cohorts(store.engine).join(learner, made.code, NOW)
    return store, Facilitator(lead, "lead"), members


def dashboard(facilitator: Facilitator) -> AppTest:
    at = open_page("dashboard", {"facilitator": facilitator})
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


# Check A (before) and check B (after), 12 questions each:
#   L1  6/12 = 50%  ->  9/12 = 75%   individual gain 25/50 = 0.5
#   L2  3/12 = 25%  ->  9/12 = 75%   individual gain 50/75 = 0.6667
#   L3 12/12 = 100%  (no check B: in "everyone" only)
#   L4 12/12 = 100% -> 12/12 = 100%  (no room to gain: left out of the individual mean)
# Pairs: L1, L2, L4 (n = 3). Before (50+25+100)/3 = 58.33%; after (75+75+100)/3 = 83.33%.
# Class gain <g> = (83.33-58.33)/(100-58.33) = 25/41.67 = 0.60.
# Mean of individual gains = (0.5 + 0.6667)/2 = 0.5833; 1 learner left out.
# Everyone: before (50+25+100+100)/4 = 68.75% (n = 4), after 83.33% (n = 3).
# Differences 25, 50, 0: mean 25, sd sqrt((0 + 625 + 625)/2) = 25, d_z = 1.00;
#   t = 1.00 * sqrt(3) = 1.732, 2 df: F(t) = 1/2 + t / (2 sqrt(2 + t^2)) = 0.8873,
#   p = 2(1 - 0.8873) = 0.2254 -> "0.23". Wilcoxon drops the 0: two rises, exact
#   p = 2 * P(W- = 0) = 2 * 1/4 = 0.50. Improved 2 (67%), same 1 (33%), worse 0.
def test_the_gain_shows_the_paired_learners_beside_it(db_url: str) -> None:
    store, lead, (l1, l2, l3, l4) = cohort(db_url, 4)
    for learner, pre, post in ((l1, 6, 9), (l2, 3, 9), (l3, 12, None), (l4, 12, 12)):
        store.record_quiz_result(learner, "knowledge-check-a", pre, 12, False, True, NOW)
        if post is not None:
            later = NOW + timedelta(days=30)
            store.record_quiz_result(learner, "knowledge-check-b", post, 12, True, True, later)
    at = dashboard(lead)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Learners who took both checks"] == "3"
    assert metrics["Before (same learners)"] == "58%"
    assert metrics["After (same learners)"] == "83%"
    assert metrics["Class gain ⟨g⟩"] == "0.60"
    assert metrics["Average of each learner's gain"] == "0.58"
    assert metrics["Everyone who took check A"] == "69%"
    assert metrics["Everyone who took check B"] == "83%"
    words = captions(at)
    assert "1 learner who scored 100% on check A is left out" in words
    assert "4 learners took check A and 3 took check B" in words
    assert any(
        "fewer than 20 pairs: treat these numbers with care" in w.value.lower() for w in at.warning
    )
    tests = table_with(at, "What it means").set_index("Number")["Value"].to_dict()
    assert tests["Paired t-test p-value"] == "0.23"
    assert tests["Wilcoxon signed-rank p-value"] == "0.50"
    assert tests["Effect size d_z (95% interval)"].startswith("1.00 (")
    assert tests["Improved / same / worse"] == "2 (67%) / 1 (33%) / 0 (0%)"


def test_the_quiz_tables_say_their_population(db_url: str, course: Course) -> None:
    # L1 and L2 answer all 9 questions right at first; L3 answers only the first, wrong.
    store, lead, (l1, l2, l3) = cohort(db_url, 3)
    quiz = course.quizzes[QUIZ]
    for learner in (l1, l2):
        for q in quiz.questions:
            store.record_answer(learner, QUIZ, q.id, correct_answer(q), True, NOW)
    first = quiz.questions[0]
    store.record_answer(l3, QUIZ, first.id, list(reversed(correct_answer(first))), False, NOW)  # type: ignore[arg-type]
    at = dashboard(lead)
    words = captions(at)
    assert "Learners who answered every question of this quiz at least once: 2" in words
    assert "Learners who answered at least one question of this quiz: 3" in words
    items = table_with(at, "What to check")
    # Everyone in the population got every question right: "very easy" on each, no spread.
    assert all("Very easy" in text for text in items["What to check"])
    options = table_with(at, "Chosen by")
    assert set(options["Chosen by"]) <= {0, 1, 2}
    safety = table_with(at, "Right the first time")
    answered = safety[safety["Learners"] > 0]  # every safety question of the course is listed
    signs = answered[answered["Question"].str.contains("signs", case=False)]
    assert signs["Right the first time"].tolist() == ["2 of 2 (100%)"]
    overdose_order = safety[safety["Learners"] == 3]
    assert overdose_order["Right the first time"].tolist() == ["2 of 3 (67%)"]
