"""Visual reports: figures data on verdicts (bounded, never changing a verdict), pictures that never
fail a grade, the HTML report of a submission and the class overview, and (slow) a real browser —
headless Chromium through Selenium — opening the reports of a correct, a partial and a wrong
submission and the class overview: no console errors, every image decoded, the numbers those of
results.json.

Screenshots for the README: ``NNKIT_SCREENSHOTS=docs/screenshots python -m pytest
tests/test_html_report.py -m slow`` writes them from the same browser run.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import html_report, pictures
from autograder.batch import results_path
from autograder.checks import ALL_CHECKS
from autograder.checks.base import Check, Trial, Verdict
from autograder.checks.figures import MAX_NUMBERS, bounded
from autograder.class_summary import summarize
from autograder.engine import grade, verify
from autograder.report import gradescope_results, write_results

from corpora import load_corpus

KIT = Path(__file__).resolve().parent.parent
#: mistakes of the "wrong" submission, one per module (ids of tests/corpus/wrong)
WRONG = ("single_layer.backprop.missing_m", "dual_layer.xavier.glorot_normal", "minibatch.gen_batch.floor_division_only",
         "optimizers.adam.seed_bias_correction_vs_keras", "multiclass.backprop.w2_not_transposed")


def wrong_copy(solved, entries=WRONG):
    """``solved`` with the corpus mistakes ``entries`` applied (one per module)."""
    corpus = {entry["id"]: entry for entry in load_corpus("wrong")}
    for name in entries:
        entry = corpus[name]
        path = solved / f"{entry['module']}.py"
        source = path.read_text()
        assert source.count(entry["find"]) == 1, name
        path.write_text(source.replace(entry["find"], entry["replace"]))
    return solved


def figures_of(report, check_id):
    return next(r.verdict.figures for r in report.results if r.check.id == check_id)


# --------------------------------------------------------------------------- figures data

def test_figures_data_is_bounded_and_plain():
    data = bounded([{"kind": "x", "a": np.arange(10.0), "b": np.float32(0.5), "n": np.int64(3), "f": np.nan},
                    {"kind": "big", "values": np.zeros(MAX_NUMBERS)}])
    assert data[0] == {"kind": "x", "a": [float(i) for i in range(10)], "b": 0.5, "n": 3, "f": None}
    assert data[1]["kind"] == "unavailable" and "too much data" in data[1]["reason"]
    assert bounded([{"kind": "x", "a": [np.zeros(MAX_NUMBERS)], "b": (1, 2.0)}])[0]["kind"] == "unavailable"
    json.dumps(data, allow_nan=False)


def _check(figures):
    return Check("x.y.z", "SingleLayer.forpass", 1, "d", Trial(lambda sub, case: {}, lambda: [{}]),
                 lambda cases, outputs: Verdict(0.5, "half"), figures=figures)


def test_a_failing_gatherer_never_changes_the_verdict():
    def broken(cases, outputs, verdict):
        raise ZeroDivisionError("boom")
    verdict = verify(_check(broken), [{}], [{}], None)
    assert (verdict.fraction, verdict.message, verdict.status) == (0.5, "half", "passed")
    assert verdict.figures == [{"kind": "unavailable", "reason": "ZeroDivisionError: boom"}]


def test_figures_are_gathered_only_when_asked_and_never_change_a_verdict():
    def gather(cases, outputs, verdict):
        return [{"kind": "x", "values": [1.0]}]
    with_figures = verify(_check(gather), [{}], [{}], None)
    without = verify(_check(gather), [{}], [{}], None, figures=False)
    assert with_figures.figures == [{"kind": "x", "values": [1.0]}] and not without.figures
    assert (with_figures.fraction, with_figures.message) == (without.fraction, without.message)


def test_a_grade_without_report_gathers_no_figures(solved_copy):
    asked = grade(solved_copy, only="DualLayer.backprop", isolated=False)
    skipped = grade(solved_copy, only="DualLayer.backprop", isolated=False, figures=False)
    assert any(r.verdict.figures for r in asked.results)
    assert not any(r.verdict.figures for r in skipped.results)
    assert [(r.check.id, r.verdict.fraction, r.verdict.message) for r in asked.results] == \
        [(r.check.id, r.verdict.fraction, r.verdict.message) for r in skipped.results]


def test_figures_are_gathered_on_failures_too(solved_copy):
    wrong_copy(solved_copy, ("single_layer.backprop.missing_m",))
    report = grade(solved_copy, only="SingleLayer.backprop", isolated=False)
    (figure,) = figures_of(report, "single_layer.backprop.gradient")
    assert figure["kind"] == "gradients"
    w = next(panel for panel in figure["panels"] if panel["name"] == "w")
    # the missing division by m: the submission's gradient is m times the numerical one, entry by entry
    m = int(re.search(r"m=(\d+)", figure["case"]).group(1))
    np.testing.assert_allclose(np.array(w["yours"]), m * np.array(w["numerical"]), rtol=1e-5)  # 6 digits kept
    assert np.min(w["error"]) > 0.5  # (m − 1) / (m + 1) for m ≥ 3, per entry


def test_training_curves_end_where_the_check_measured(solved_copy):
    """The per-epoch curves come from weights copied during training: the last copy is the
    trained network, so its validation accuracy is the one the check measured."""
    report = grade(solved_copy, only="convergence.breast_cancer.minibatch", isolated=False)
    (figure,) = figures_of(report, "convergence.breast_cancer.minibatch")
    curves = figure["curves"]
    assert curves["epochs"][-1] == len(figure["losses"]) == 100
    assert curves["val_accuracy"][-1] == pytest.approx(figure["accuracy"], abs=1e-6)  # 6 digits kept
    assert figure["reference"]["losses"] and figure["threshold"] <= figure["accuracy"]
    assert all(loss > 0 for loss in curves["val_loss"])


@pytest.mark.parametrize("name, mistake", [("Adam", "optimizers.adam.seed_bias_correction_vs_keras"),
                                           ("Momentum", "optimizers.momentum.seed_formula_vs_keras")])
def test_optimizer_paths_against_keras_on_a_loss_surface(solved_copy, name, mistake):
    """The keras check's picture is the path down the 2-D test function, over its contour lines:
    the reference's path is Keras's within the tolerance, the seeds' wrong optimizer leaves it, and
    the check names that case among those that disagree (the path case rejects it on its own)."""
    from autograder import keras_golden
    from autograder.checks.keras_agreement import TOLERANCE
    from autograder.probes.optimizers import surface_value
    check = f"optimizers.{name}.keras"
    right = grade(solved_copy, only=f"{name}.update", isolated=False)
    wrong = grade(wrong_copy(solved_copy, (mistake,)), only=f"{name}.update", isolated=False)
    (good,), (bad,) = figures_of(right, check), figures_of(wrong, check)
    assert good["kind"] == bad["kind"] == "path" and len(good["yours"]) == len(good["deviation"]) + 1
    assert good["case"] == keras_golden.SURFACE_LABEL and len(good["yours"]) == keras_golden.SURFACE["steps"] + 1
    assert max(good["deviation"]) <= TOLERANCE[name] < max(bad["deviation"])
    assert good["yours"][0] == list(keras_golden.SURFACE["start"])
    # the contour is the test function on a grid holding both the start and the minimum
    contour = good["contour"]
    case = keras_golden.surface_case(name)
    z = np.array(contour["z"])
    assert z.shape == (len(contour["y"]), len(contour["x"]))
    assert z[7, 11] == pytest.approx(surface_value(case, [contour["x"][11], contour["y"][7]]), rel=1e-5)  # 6 digits kept
    for point in (keras_golden.SURFACE["start"], contour["minimum"]):
        assert contour["x"][0] < point[0] < contour["x"][-1] and contour["y"][0] < point[1] < contour["y"][-1]
    for figure in (good, bad):
        uri, problem = pictures.draw(figure)
        assert problem is None and uri.startswith("data:image/png;base64,")
    verdict = next(r.verdict for r in wrong.results if r.check.id == check)
    assert verdict.status == "failed" and keras_golden.SURFACE_LABEL in verdict.message.split("cases that disagree")[1]


def test_every_picture_kind_has_a_gatherer():
    """Each kind autograder.pictures draws is gathered by at least one check."""
    kinds = {"gradients": "backprop.gradient", "weights": "init_weights.distribution",
             "batches": "gen_batch.batch_sizes", "training": "convergence.", "path": ".keras"}
    for kind, part in kinds.items():
        assert any(check.figures is not None and part in check.id for check in ALL_CHECKS), kind
    assert set(pictures.KINDS) >= set(kinds)


# --------------------------------------------------------------------------- pictures and pages

def test_a_picture_that_cannot_be_drawn_is_one_line():
    uri, problem = pictures.draw({"kind": "gradients", "panels": "not panels"})
    assert uri is None and problem.startswith("the gradients picture could not be drawn")
    assert pictures.draw({"kind": "unavailable", "reason": "why"}) == (None, "no picture: why")
    assert pictures.draw({"kind": "nope"})[0] is None


def _page_numbers(html):
    """{check id: (status, score)} and the total, from the data attributes of a report page."""
    checks = {m[0]: (m[1], float(m[2])) for m in re.findall(
        r'data-check="([^"]+)" data-status="([^"]+)" data-score="([^"]+)"', html)}
    total = float(re.search(r'id="total" data-score="([^"]+)"', html).group(1))
    return checks, total


def test_submission_page_matches_results_json(solved_copy, tmp_path):
    wrong_copy(solved_copy, ("minibatch.gen_batch.floor_division_only",))
    report = grade(solved_copy, only="MinibatchNetwork.gen_batch", isolated=False)
    write_results(report, tmp_path / "results.json")
    html_report.write_submission(report, tmp_path / "report.html", title="<b>eve</b>")
    html = (tmp_path / "report.html").read_text()
    results = json.loads((tmp_path / "results.json").read_text())
    checks, total = _page_numbers(html)
    assert total == results["score"]
    assert checks == {t["number"]: (t["tags"][1], float(t["score"])) for t in results["tests"]}
    assert "&lt;b&gt;eve&lt;/b&gt;" in html and "<b>eve" not in html  # names are text, not markup
    assert 'name="viewport"' in html and "http://" not in html and "https://" not in html  # phone, no network
    assert html.count('<img src="data:image/png;base64,') == 1  # the gen_batch map (batch_sizes)


def test_a_batch_report_over_the_size_cap_is_sent_without_pictures(monkeypatch, solved_copy):
    """report_html (the local batch's and a cluster worker's one mechanism) keeps a report under
    batch.MAX_REPORT_CHARS: over it, the page comes again without pictures, each replaced by a note
    saying why, with the same numbers."""
    from autograder import batch
    report = grade(solved_copy, only="MinibatchNetwork.gen_batch", isolated=False)
    full = batch.report_html(report, "eve")
    assert full.count('<img src="data:image/png;base64,') == 1
    monkeypatch.setattr(batch, "MAX_REPORT_CHARS", len(full) - 1)
    small = batch.report_html(report, "eve")
    assert len(small) < len(full) and "data:image/png" not in small
    assert f"the report with its pictures would be {len(full)} characters" in small
    assert _page_numbers(small) == _page_numbers(full)
    monkeypatch.setattr(batch, "MAX_REPORT_CHARS", 10)   # not even without pictures: no report, the grade stands
    assert batch.report_html(report, "eve") is None


def test_a_failed_drawing_leaves_a_note_and_the_page(monkeypatch, solved_copy, tmp_path):
    report = grade(solved_copy, only="MinibatchNetwork.gen_batch", isolated=False)

    def broken(data):
        raise RuntimeError("no ink")
    monkeypatch.setattr(pictures, "_drawers", lambda: {"batches": broken})
    html = html_report.render_submission(report)
    assert "the batches picture could not be drawn: RuntimeError: no ink" in html
    assert _page_numbers(html)[1] == report.score


def test_class_summary_from_results(tmp_path, solved_copy):
    """Three students' results.json (real grades of a correct, an unfinished and a wrong
    gen_batch): the overview's numbers are those of the files."""
    good = grade(solved_copy, only="MinibatchNetwork.gen_batch", isolated=False)
    stub = grade(KIT / "exercises", only="MinibatchNetwork.gen_batch", isolated=False)
    wrong = grade(wrong_copy(solved_copy, ("minibatch.gen_batch.floor_division_only",)),
                  only="MinibatchNetwork.gen_batch", isolated=False)
    names = ["ann", "bo b", "=cy"]
    for name, report, seconds in zip(names, (good, stub, wrong), (1.5, 2.0, 3.0)):
        path = results_path(tmp_path, name)
        path.parent.mkdir(parents=True)
        payload = gradescope_results(report)
        payload["execution_time"] = seconds
        path.write_text(json.dumps(payload))
    summary = summarize(tmp_path, names + ["absent"])
    assert summary["scores"] == [good.score, stub.score, wrong.score] and summary["graded"] == 3
    assert summary["seconds"] == 6.5 and summary["max_score"] == good.max_score
    rates = {c["check"]: c["rate"] for c in summary["checks"]}
    assert rates["minibatch.gen_batch.batch_sizes"] == pytest.approx(2 / 3)
    assert [c["rate"] for c in summary["checks"]] == sorted(rates.values(), reverse=True)
    wrong_hint = next(r.verdict.hint for r in wrong.results if r.check.id == "minibatch.gen_batch.batch_sizes")
    assert any(hint == wrong_hint and count == 1 for hint, count, _ in summary["hints"])
    assert summary["students"][1]["link"] == "students/bo%2520b/report.html"  # the folder bo%20b, URL-quoted
    assert not summary["students"][3]["graded"]
    assert summary["isolation"] == [good.isolation]  # results.json's extra_data.isolation
    html = html_report.render_overview(tmp_path, names + ["absent"], seconds=4.0)
    assert html.count('<img src="data:image/png;base64,') == 2
    assert 'data-student="=cy"' in html and "not graded" in html


# --------------------------------------------------------------------------- a real browser

def _driver():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.skip("headless Chromium is not installed (apt-get install -y chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,900", "--hide-scrollbars"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromedriver))


def _open(driver, path):
    """Open ``path``; the console's errors and every image's decoded size."""
    driver.get(path.resolve().as_uri())
    images = driver.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt]);")
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    return images, errors


def _screenshot(driver, name, width, height, selector=None):
    """With $NNKIT_SCREENSHOTS set, a screenshot of the page in a ``width`` × ``height`` window,
    scrolled to the first element matching ``selector`` (CSS), written there as ``name``."""
    folder = os.environ.get("NNKIT_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.set_window_size(width, height)
    if selector:
        driver.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", selector)
    driver.save_screenshot(str(Path(folder) / name))
    driver.set_window_size(1200, 900)


@pytest.mark.slow
def test_reports_in_a_real_browser(tmp_path, solved_copy):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copytree(solved_copy, submissions / "correct")
    shutil.copytree(solved_copy, submissions / "partial")
    for module in ("multiclass.py", "optimizers.py", "keras_model.py"):  # unfinished: the stubs
        shutil.copy(KIT / "exercises" / module, submissions / "partial" / module)
    wrong_copy(shutil.copytree(solved_copy, submissions / "wrong"))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
                          "--jobs", "2", "--timeout", "600"], capture_output=True, text=True, cwd=KIT)
    assert run.returncode == 0, run.stderr
    assert [line.split()[:3] for line in run.stdout.splitlines()][-1][0] == "[3/3]"

    driver = _driver()
    try:
        scores = {}
        for name in ("correct", "partial", "wrong"):
            results = json.loads(results_path(out, name).read_text())
            images, errors = _open(driver, results_path(out, name).with_name("report.html"))
            assert errors == [], (name, errors)
            assert images and all(complete and width > 0 and height > 0 for complete, width, height, _ in images), \
                (name, [alt for complete, width, _, alt in images if not (complete and width)])
            page = driver.execute_script("""
                const checks = {};
                document.querySelectorAll('[data-check]').forEach(e => {
                    checks[e.dataset.check] = [e.dataset.status, parseFloat(e.dataset.score)]; });
                const sections = Array.from(document.querySelectorAll('section.exercise'))
                    .map(s => [s.dataset.exercise, parseFloat(s.dataset.score)]);
                return {total: parseFloat(document.getElementById('total').dataset.score), checks, sections};""")
            assert page["total"] == results["score"]
            assert page["checks"] == {t["number"]: [t["tags"][1], t["score"]] for t in results["tests"]}
            per_exercise = {}
            for test in results["tests"]:
                per_exercise[test["tags"][0]] = per_exercise.get(test["tags"][0], 0) + test["score"]
            assert {e: s for e, s in page["sections"]} == pytest.approx(per_exercise)
            scores[name] = results["score"]
            kinds = {alt.split(": ")[-1] for *_, alt in images}
            if name == "correct":
                assert kinds >= {"gradients", "weights", "batches", "training", "path"}, kinds
                if any(t["number"] == "convergence.fashion_mnist.multiclass" and t["score"] for t in results["tests"]):
                    assert {"confusion", "misclassified"} <= kinds
            if name == "correct":  # on a phone: the Fashion-MNIST training run
                _screenshot(driver, "report-phone.png", 412, 1300,
                            '[data-check="convergence.fashion_mnist.multiclass"]')
            if name == "wrong":
                _screenshot(driver, "report-wrong-gradient.png", 900, 760,
                            '[data-check="single_layer.backprop.gradient"]')
        assert scores["correct"] > scores["partial"] > 0 and scores["correct"] > scores["wrong"]

        images, errors = _open(driver, out / "index.html")
        assert errors == [] and len(images) == 2 and all(width > 0 for _, width, _, _ in images)
        rows = driver.execute_script("""return Array.from(document.querySelectorAll('tr[data-student]'))
            .map(r => [r.dataset.student, parseFloat(r.dataset.score), r.querySelector('a').getAttribute('href')]);""")
        assert {student: score for student, score, _ in rows} == scores
        isolation = json.loads(results_path(out, "correct").read_text())["extra_data"]["isolation"]
        assert driver.find_element("id", "isolation").text == isolation
        _screenshot(driver, "overview.png", 1000, 1500)
        link = next(href for student, _, href in rows if student == "wrong")
        driver.get((out / link).resolve().as_uri())
        assert driver.find_element("id", "student").text == "wrong"
    finally:
        driver.quit()


@pytest.mark.slow
def test_recorded_reference_curves_are_a_fresh_run(tmp_path):
    """autograder/golden/reference_curves.json is what the reference gives today, to 1e-4 relative
    (six significant digits are stored; the runs are deterministic, seeded)."""
    from autograder import reference_curves
    fresh = reference_curves.record(tmp_path / "curves.json", log=lambda line: None)
    stored = reference_curves.load()
    assert set(fresh) == set(stored) and fresh
    for key, entry in stored.items():
        assert entry["epochs"] == fresh[key]["epochs"], key
        np.testing.assert_allclose(entry["losses"], fresh[key]["losses"], rtol=1e-4, err_msg=key)
        np.testing.assert_allclose(entry["curves"]["val_accuracy"], fresh[key]["curves"]["val_accuracy"], rtol=1e-4)
        assert entry["validation_accuracy"] == pytest.approx(fresh[key]["validation_accuracy"], rel=1e-6)


# --------------------------------------------------------------------------- progress

class _Stream(__import__("io").StringIO):
    def __init__(self, terminal):
        super().__init__()
        self.terminal = terminal

    def isatty(self):
        return self.terminal


def test_batch_progress_lines_and_bar():
    from autograder.progress import BatchProgress
    plain = _Stream(False)
    progress = BatchProgress(2, plain)
    progress.finished("graded", "a b", 12.5, 20, 3.25)
    progress.finished("kept", "x\ny")
    assert plain.getvalue() == "[1/2]  graded  a b  12.5/20  3.2s\n[2/2]    kept  x\\ny\n"
    terminal = _Stream(True)
    progress = BatchProgress(2, terminal)
    progress.finished("graded", "a", 1, 2, 0.5)
    assert terminal.getvalue().endswith("\n[" + "#" * 15 + "." * 15 + "] 1/2")
    progress.finished("graded", "b", 2, 2, 0.5)
    assert terminal.getvalue().endswith("[2/2]  graded  b  2/2  0.5s\n")  # no bar left after the last


def test_exercise_line_only_on_a_terminal():
    from autograder.progress import exercise_line
    with exercise_line(_Stream(False)) as show:
        assert show is None
    stream = _Stream(True)
    with exercise_line(stream) as show:
        show("DualLayer.backprop", 3, 10)
    assert "grading DualLayer.backprop (3/10 done)" in stream.getvalue() and stream.getvalue().endswith("\r\x1b[K")
