"""The pages of the app, in menu order: one place for the entry point, the bench and the tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to dashboards/ (the entry point's folder)
    title: str
    url_path: str
    icon: str

    @property
    def name(self) -> str:
        return self.url_path


SECTIONS: dict[str, list[PageSpec]] = {
    "Portfolio": [
        PageSpec("views/steering.py", "Steering view", "steering", ":material/flag:"),
        PageSpec("views/portfolio.py", "Portfolio overview", "portfolio", ":material/dashboard:"),
        PageSpec("views/project.py", "Project detail", "project", ":material/folder_open:"),
        PageSpec("views/financials.py", "Financials", "financials", ":material/payments:"),
        PageSpec("views/vendors.py", "Vendors", "vendors", ":material/handshake:"),
        PageSpec("views/roadmap.py", "Roadmap", "roadmap", ":material/timeline:"),
        PageSpec("views/lessons.py", "Lessons learned", "lessons", ":material/school:"),
    ],
    "Delivery": [
        PageSpec("views/delivery.py", "Delivery", "delivery", ":material/rocket_launch:"),
        PageSpec("views/schedule.py", "Schedule", "schedule", ":material/account_tree:"),
        PageSpec("views/risks.py", "Risks", "risks", ":material/warning:"),
        PageSpec("views/resources.py", "Resources", "resources", ":material/groups:"),
    ],
    "Data": [
        PageSpec("views/data_quality.py", "Data quality", "data_quality", ":material/fact_check:"),
        PageSpec("views/metrics.py", "Metric explorer", "metrics", ":material/query_stats:"),
        PageSpec("views/reports.py", "Reports", "reports", ":material/description:"),
    ],
}
DEFAULT = "steering"  # served at the app's root URL
PAGES: dict[str, str] = {spec.name: spec.file for specs in SECTIONS.values() for spec in specs}
TITLES: dict[str, str] = {spec.name: spec.title for specs in SECTIONS.values() for spec in specs}
