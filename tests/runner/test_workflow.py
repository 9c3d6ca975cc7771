"""The scheduled CI workflow runs the catalog and publishes reports/."""
from __future__ import annotations

import yaml

from workbench import config

WORKFLOW = config.PROJECT_ROOT / ".github" / "workflows" / "reports.yml"


def test_scheduled_workflow_runs_the_catalog_and_publishes_reports():
    wf = yaml.safe_load(WORKFLOW.read_text())
    triggers = wf[True]  # YAML reads the bare key `on` as True
    (cron,) = [t["cron"] for t in triggers["schedule"]]
    assert len(cron.split()) == 5
    steps = wf["jobs"]["reports"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any(r.startswith("make reports") for r in runs)
    uses = {s.get("uses", "").split("@")[0]: s for s in steps}
    assert uses["actions/upload-artifact"]["with"]["path"] == "reports/"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "reports/"
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert wf["jobs"]["publish"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
