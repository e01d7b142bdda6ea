"""Counting a user's steps in the browser: every click, choice in a list and tick is a step;
typing is not. Page loads are counted as the main frame navigates (an htmx swap is not a
load). Each task's steps are written to var/artifacts/usability-<role>.json, the figures
`docs/usability.md` records."""

import contextlib
import json
from dataclasses import dataclass, field


@dataclass
class Task:
    clicks: int = 0
    loads: int = 0
    submits: int = 0


@dataclass
class Steps:
    page: object
    role: str
    tasks: dict[str, Task] = field(default_factory=dict)
    current: str = "sign-in"

    def __post_init__(self):
        self.page.on(
            "framenavigated",
            lambda frame: self._count_load() if frame == self.page.main_frame else None,
        )

    def _task(self) -> Task:
        return self.tasks.setdefault(self.current, Task())

    def _count_load(self):
        self._task().loads += 1

    @contextlib.contextmanager
    def task(self, name: str):
        self.current = name
        self._task()
        try:
            yield
        finally:
            self.current = "between tasks"

    def click(self, locator, *, submit: bool = False):
        locator.click()
        self._task().clicks += 1
        if submit:
            self._task().submits += 1

    def choose(self, locator, **option):
        locator.select_option(**option)
        self._task().clicks += 1

    def tick(self, locator):
        locator.check()
        self._task().clicks += 1

    def pick_file(self, locator, path):
        """Choosing a file in the browser's dialog: one step, like a choice in a list."""
        locator.set_input_files(path)
        self._task().clicks += 1

    def goto(self, url: str):
        """Typing an address: a page load, no click."""
        self.page.goto(url)

    def of(self, name: str) -> Task:
        return self.tasks[name]

    def total_clicks(self) -> int:
        return sum(t.clicks for name, t in self.tasks.items() if name != "sign-in")

    def write(self, artifacts) -> dict:
        report = {
            name: {"clicks": t.clicks, "page_loads": t.loads, "submits": t.submits}
            for name, t in self.tasks.items()
            if name not in ("sign-in", "between tasks")
        }
        (artifacts / f"usability-{self.role}.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False)
        )
        return report
