"""A class on a real JupyterHub: students follow the README's nbgitpuller link and get going.

The README's link (section "Teaching a class", "Your JupyterHub") is read from README.md
and filled in as an instructor would: this hub's URL for YOUR-HUB, and as `repo` the
class's git remote (a local clone of this repository, see conftest.py). Then:

- the whole class (3 students; MFALAB_CLASSROOM_STUDENTS=5 for five) opens the link at
  the same moment in headless Chromium, logs in, waits while the hub starts their server
  and nbgitpuller copies the lessons, and lands in lesson 00 in JupyterLab; each clears the
  outputs and runs all cells. Every code cell gets its number, and error output shows only
  in the cells that fail on purpose (tagged `raises-exception`);
- one student answers an exercise and saves; the instructor then pushes a fix to lesson
  00 (its title, and the very line the student changed) and to lesson 01; the student
  follows the link again: their line is kept, the rest of the fix is merged in around it
  (nbgitpuller's rule);
- another student renames a lesson (to keep their version) and follows the link again: a
  fresh copy comes back beside theirs.

The times the students took are printed at the end of the run ("classroom timings").
Every wait has a timeout; everything started is stopped by the fixtures, even on failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import nbformat
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from ..browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from ..browser.test_lessons import NO_OUTPUTS_LEFT, RUN_ALL_FINISHED, STDERR
from .conftest import REPO, REPORT, Hub, Upstream, git

STUDENTS = int(os.environ.get("MFALAB_CLASSROOM_STUDENTS", "3"))
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
PASSWORD = "any password gets in on this test hub"
ARRIVE_TIMEOUT_MS = 120_000  # log in, the server starts, the lessons are copied, lab opens
RUN_ALL_TIMEOUT_MS = 120_000  # lesson 00 runs in about 2 s alone; a class shares 2 cores
WAIT_TIMEOUT_MS = 30_000  # any other wait on a page
SAVE_TIMEOUT = 30  # seconds for a saved notebook to reach the disk
ANSWER = '{"b", "c", "f"}  # my answer'  # what the student puts after `answer… =`
INSTRUCTORS_NOTE = " (updated during class)"
INSTRUCTORS_HINT = "...  # replace ... with your answer"  # the instructor's placeholder
PLACEHOLDER = re.compile(r"(answer\w*) = \.\.\.(  # .*)?")  # an exercise as committed

LESSON_CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"
KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
RUN_STARTED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""


@dataclass(frozen=True)
class Link:
    """The README's nbgitpuller link, filled in for this hub and this remote."""

    url: str
    folder: str  # where nbgitpuller puts the repository, in each home (the remote's name)
    lesson: str  # the lesson it opens, relative to the home

    @property
    def in_repo(self) -> str:
        """The lesson's path inside the repository."""
        return self.lesson.removeprefix(f"{self.folder}/")

    @property
    def lesson_url_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"/user/[^/]+/lab/tree/{re.escape(self.lesson)}(\?.*)?$")


def readme_link() -> str:
    """The one nbgitpuller link in README.md, placeholders and all."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://YOUR-HUB/hub/user-redirect/git-pull\?[^\s`<>)\]]+", readme)
    assert len(links) == 1, f"README.md should give exactly one nbgitpuller link: {links}"
    return links[0]


def fill_in(template: str, hub: Hub, upstream: Upstream) -> Link:
    """The README's link with this hub for YOUR-HUB and the class's remote as `repo`."""
    parts = urlsplit(template)
    assert f"{parts.scheme}://{parts.netloc}" == "https://YOUR-HUB", template
    query = dict(parse_qsl(parts.query, strict_parsing=True))
    assert {"repo", "branch", "urlpath"} <= query.keys(), f"incomplete link: {template}"
    assert query["branch"] == "main"
    folder = query.get("targetpath", query["repo"].rstrip("/").split("/")[-1])
    assert upstream.url.rstrip("/").split("/")[-1] == folder, "the remote must keep its name"
    urlpath = query["urlpath"]
    assert urlpath.startswith(f"lab/tree/{folder}/"), f"the link opens {urlpath}"
    query["repo"] = upstream.url
    url = f"{hub.url}{parts.path}?{urlencode(query)}"
    return Link(url, folder, urlpath.removeprefix("lab/tree/"))


@pytest.fixture(scope="module")
def link(hub: Hub, upstream: Upstream) -> Link:
    return fill_in(readme_link(), hub, upstream)


@dataclass
class Arrival:
    """What one student's first visit gave: times, what the page showed, the login cookie."""

    name: str
    pulled: float = 0.0  # seconds from opening the link to JupyterLab's URL (server up, pulled)
    ready: float = 0.0  # seconds from opening the link to lesson 00 open, its kernel idle
    ran: float = 0.0  # seconds from opening the link to lesson 00 run through
    state: Any = None  # the browser's storage state: coming back as the same student
    unexpected_errors: dict[int, str] = field(default_factory=dict)
    quiet_failures: set[int] = field(default_factory=set)  # tagged, yet no error shown
    not_run: list[int] = field(default_factory=list)
    widget_errors: bool = False


def _notebook(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _tagged(path: Path, tag: str = "raises-exception") -> set[int]:
    cells = _notebook(path)["cells"]
    return {i for i, cell in enumerate(cells) if tag in cell.get("metadata", {}).get("tags", [])}


async def _menu(page: Page, menu: str, item: str) -> None:
    """Click `menu` in JupyterLab's menu bar, then its entry `item`."""
    await page.locator("#jp-MainMenu .lm-MenuBar-itemLabel",
                       has_text=re.compile(f"^{menu}$")).click()
    await page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


async def _new_page(browser: Browser, state: Any = None) -> Page:
    context = await browser.new_context(viewport=VIEWPORT, storage_state=state)
    context.set_default_timeout(WAIT_TIMEOUT_MS)
    page = await context.new_page()
    # A fresh workspace shows no dialog; should JupyterLab ask for a kernel, take its choice.
    kernel_dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    await page.add_locator_handler(
        kernel_dialog, lambda: kernel_dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    )
    return page


async def _lesson_open(page: Page, lesson: Path) -> None:
    """Wait until the lesson shows all its cells and its kernel is idle."""
    cells = page.locator(LESSON_CELLS)
    await expect(cells).to_have_count(len(_notebook(lesson)["cells"]), timeout=WAIT_TIMEOUT_MS)
    await expect(page.locator(KERNEL_IDLE)).to_be_visible(timeout=WAIT_TIMEOUT_MS)


async def _log_in(page: Page, name: str) -> None:
    await page.locator("#username_input").fill(name)
    await page.locator("#password_input").fill(PASSWORD)
    await page.locator("#login_submit").click()


async def arrive(browser: Browser, hub: Hub, link: Link, name: str) -> Arrival:
    """One student: open the link, log in, land in lesson 00, clear it and run all cells."""
    arrival = Arrival(name)
    page = await _new_page(browser)
    start = time.monotonic()
    await page.goto(link.url)
    await _log_in(page, name)
    await page.wait_for_url(link.lesson_url_pattern, timeout=ARRIVE_TIMEOUT_MS)
    arrival.pulled = time.monotonic() - start
    lesson = hub.home(name) / link.lesson
    await _lesson_open(page, lesson)
    arrival.ready = time.monotonic() - start

    await _menu(page, "Edit", "Clear Outputs of All Cells")
    await page.wait_for_function(NO_OUTPUTS_LEFT, timeout=WAIT_TIMEOUT_MS)
    await _menu(page, "Run", "Run All Cells")
    try:
        await page.wait_for_function(RUN_STARTED, timeout=WAIT_TIMEOUT_MS)
    except PlaywrightTimeoutError:  # the menu missed the click on a loaded machine:
        await _menu(page, "Run", "Run All Cells")  # a student clicks again
    await page.wait_for_function(RUN_ALL_FINISHED, timeout=RUN_ALL_TIMEOUT_MS)
    arrival.ran = time.monotonic() - start

    cells = page.locator(LESSON_CELLS)
    with_errors = set(await cells.evaluate_all(
        f"cells => cells.flatMap((cell, i) => cell.querySelector('{STDERR}') ? [i] : [])"
    ))
    expected = _tagged(lesson)
    for i in sorted(with_errors - expected):
        error = await cells.nth(i).locator(STDERR).first.inner_text()
        arrival.unexpected_errors[i] = error[:2000]
    arrival.quiet_failures = expected - with_errors
    prompts = await page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
    arrival.not_run = [i for i, text in enumerate(prompts)
                       if not re.fullmatch(r"\[\d+\]:", text.strip())]
    arrival.widget_errors = "Error displaying widget" in await page.locator(
        ".jp-Notebook").inner_text()
    arrival.state = await page.context.storage_state()
    await page.context.close()
    return arrival


async def _with_chromium(work: Any) -> Any:
    """Run `work(browser)` with Debian's Chromium, headless; the browser is closed after."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            return await work(browser)
        finally:
            await browser.close()


@pytest.fixture(scope="module")
def arrivals(hub: Hub, link: Link) -> dict[str, Arrival]:
    """The whole class opens the link at once; each student's first visit, by name."""
    assert 1 <= STUDENTS <= len(NAMES), f"MFALAB_CLASSROOM_STUDENTS: 1 to {len(NAMES)}"
    names = NAMES[:STUDENTS]

    async def the_class_arrives(browser: Browser) -> list[Arrival | BaseException]:
        visits: list[Awaitable[Arrival]] = [arrive(browser, hub, link, name) for name in names]
        return await asyncio.gather(*visits, return_exceptions=True)

    started = time.monotonic()
    results = asyncio.run(_with_chromium(the_class_arrives))
    failed = {name: result for name, result in zip(names, results, strict=True)
              if isinstance(result, BaseException)}
    if failed:
        details = "\n".join(f"{name}: {type(error).__name__}: {error}"
                            for name, error in failed.items())
        pytest.fail(f"students could not get going:\n{details}\nhub log:\n{hub.log_tail()}",
                    pytrace=False)
    done = {result.name: result for result in results if isinstance(result, Arrival)}

    def spread(what: str, times: list[float]) -> str:
        return (f"{what} after {min(times):.1f}–{max(times):.1f} s "
                f"(median {statistics.median(times):.1f} s)")

    REPORT.append(f"{len(done)} students opened the link at once (all their browsers on this "
                  f"machine too); the class took {time.monotonic() - started:.1f} s in all:")
    REPORT.append("  " + spread("server started and lessons pulled (JupyterLab's URL)",
                                [a.pulled for a in done.values()]))
    REPORT.append("  " + spread("lesson 00 open, its kernel idle",
                                [a.ready for a in done.values()]))
    REPORT.append("  " + spread("lesson 00 run through", [a.ran for a in done.values()]))
    return done


def test_every_student_gets_the_lessons_and_runs_lesson_00(
    hub: Hub, link: Link, upstream: Upstream, arrivals: dict[str, Arrival]
) -> None:
    """Each home holds a clone of the class's remote at its `main`, and lesson 00 ran clean."""
    lessons = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert "00_start_here.ipynb" in lessons
    for name, arrival in arrivals.items():
        clone = hub.home(name) / link.folder
        assert git("rev-parse", "HEAD", cwd=clone) == upstream.head(), f"{name}: not at main"
        assert sorted(p.name for p in (clone / "notebooks").glob("*.ipynb")) == lessons, name
        assert not arrival.unexpected_errors, f"{name}: error output: {arrival.unexpected_errors}"
        assert not arrival.quiet_failures, (
            f"{name}: cells tagged raises-exception showed no error: {arrival.quiet_failures}"
        )
        assert not arrival.not_run, f"{name}: code cells left unrun: {arrival.not_run}"
        assert not arrival.widget_errors, f"{name}: a widget failed to display"


def _replace_line(path: Path, old: str, new: str) -> None:
    """Replace the first source line `old` of a notebook with `new`, touching nothing else.

    Done on the file's text, as an instructor's editor would save a one-line change, so the
    diff git merges is that one line.
    """
    text = path.read_text(encoding="utf-8")
    for ascii_only in (False, True):
        before = json.dumps(old, ensure_ascii=ascii_only)
        if before in text:
            path.write_text(text.replace(before, json.dumps(new, ensure_ascii=ascii_only), 1),
                            encoding="utf-8")
            return
    raise AssertionError(f"{path.name}: no source line {old!r}")


def _first_exercise(notebook: Any) -> tuple[int, str, str]:
    """The first exercise cell (committed as `answer = ...`): its index, line and variable."""
    for i, cell in enumerate(notebook["cells"]):
        line = "".join(cell["source"])
        if cell["cell_type"] == "code" and (match := PLACEHOLDER.fullmatch(line)):
            return i, line, match[1]
    raise AssertionError("lesson 00 has no exercise cell `answer = ...`")


def _source(path: Path, index: int) -> str:
    return "".join(nbformat.read(path, as_version=4).cells[index].source)


def _wait_for_text(path: Path, text: str) -> None:
    deadline = time.monotonic() + SAVE_TIMEOUT
    while text not in path.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, f"{path.name} was not saved within {SAVE_TIMEOUT} s"
        time.sleep(0.2)  # polling the disk for JupyterLab's save


def test_a_students_answer_survives_the_next_pull(
    hub: Hub, link: Link, upstream: Upstream, arrivals: dict[str, Arrival]
) -> None:
    """An answer saved in lesson 00 is kept; the instructor's later fix is merged around it."""
    student = next(iter(arrivals.values()))
    lesson = hub.home(student.name) / link.lesson
    exercise, placeholder, variable = _first_exercise(_notebook(lesson))
    answer = f"{variable} = {ANSWER}"
    hint = f"{variable} = {INSTRUCTORS_HINT}"
    assert hint != placeholder
    title = _notebook(lesson)["cells"][0]["source"][0]
    assert title.startswith("# "), f"lesson 00 should open with its title: {title!r}"
    new_title = title.rstrip("\n") + INSTRUCTORS_NOTE + ("\n" if title.endswith("\n") else "")

    async def answer_then_pull_again(browser: Browser) -> tuple[str, str]:
        page = await _new_page(browser, student.state)
        await page.goto(f"{hub.url}/user/{student.name}/lab/tree/{link.lesson}")
        await _lesson_open(page, lesson)
        cell = page.locator(LESSON_CELLS).nth(exercise)
        await cell.locator(".cm-content").click()
        await expect(cell.locator(".cm-editor.cm-focused")).to_be_visible(timeout=WAIT_TIMEOUT_MS)
        await page.keyboard.press("Control+A")  # in the cell's editor: all of its text
        await page.keyboard.insert_text(answer)  # typed as one text: no auto-closed brackets
        await expect(cell.locator(".cm-content")).to_have_text(answer, timeout=WAIT_TIMEOUT_MS)
        await page.keyboard.press("Control+S")
        dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty")
        await expect(dirty).to_have_count(0, timeout=WAIT_TIMEOUT_MS)
        await asyncio.to_thread(_wait_for_text, lesson, "# my answer")

        # Meanwhile the instructor fixes lesson 00's title and its exercise placeholder (the
        # student's line) and lesson 01's title, and pushes.
        instructor = upstream.instructor / link.in_repo
        _replace_line(instructor, title, new_title)
        _replace_line(instructor, placeholder, hint)
        assert _source(instructor, exercise) == hint, "the instructor's edit missed the exercise"
        lesson_01 = next(instructor.parent.glob("01_*.ipynb"))
        title_01 = _notebook(lesson_01)["cells"][0]["source"][0]
        _replace_line(lesson_01, title_01, title_01.rstrip("\n") + INSTRUCTORS_NOTE + "\n")
        git("add", "--all", cwd=upstream.instructor)
        fix = upstream.push("Lessons 00 and 01: a fix during class")

        await page.goto(link.url)  # the same link, a second time
        await page.wait_for_url(link.lesson_url_pattern, timeout=ARRIVE_TIMEOUT_MS)
        await _lesson_open(page, lesson)
        shown = (await page.locator(LESSON_CELLS).nth(0).inner_text(),
                 await page.locator(LESSON_CELLS).nth(exercise).inner_text())
        await page.context.close()
        return fix, "\n".join(shown)

    fix, shown = asyncio.run(_with_chromium(answer_then_pull_again))
    clone = hub.home(student.name) / link.folder
    git("merge-base", "--is-ancestor", fix, "HEAD", cwd=clone)  # the fix was merged in
    nbformat.validate(nbformat.read(lesson, as_version=4))  # still a valid notebook
    assert _source(lesson, exercise) == answer, "the student's answer was lost"
    assert _source(lesson, 0).startswith(new_title.rstrip("\n")), "the fix did not arrive"
    lesson_01 = next(lesson.parent.glob("01_*.ipynb"))
    assert INSTRUCTORS_NOTE in _source(lesson_01, 0), "lesson 01's fix did not arrive"
    assert INSTRUCTORS_NOTE.strip() in shown and "my answer" in shown, (
        f"JupyterLab shows, after the second pull: {shown!r}"
    )


def test_a_renamed_lesson_comes_back_fresh_at_the_next_pull(
    hub: Hub, link: Link, upstream: Upstream, arrivals: dict[str, Arrival]
) -> None:
    """A student who renames a lesson and opens the link again has both: theirs and a fresh one."""
    if len(arrivals) < 2:
        pytest.skip("needs a second student")
    student = list(arrivals.values())[1]
    clone = hub.home(student.name) / link.folder
    lesson_02 = next((clone / "notebooks").glob("02_*.ipynb"))
    mine = lesson_02.with_name(f"{lesson_02.stem}-mine.ipynb")
    lesson_02.rename(mine)

    async def pull_again(browser: Browser) -> None:
        page = await _new_page(browser, student.state)
        await page.goto(link.url)
        await page.wait_for_url(link.lesson_url_pattern, timeout=ARRIVE_TIMEOUT_MS)
        await _lesson_open(page, hub.home(student.name) / link.lesson)
        await page.context.close()

    asyncio.run(_with_chromium(pull_again))
    assert lesson_02.is_file(), f"{lesson_02.name} did not come back"
    fresh = git("rev-parse", f"main:notebooks/{lesson_02.name}", cwd=upstream.bare)
    assert git("hash-object", str(lesson_02)) == fresh, f"{lesson_02.name} is not a fresh copy"
    assert git("hash-object", str(mine)) == fresh, f"{mine.name}, the student's copy, is gone"
