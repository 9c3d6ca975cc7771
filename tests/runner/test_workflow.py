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


def test_reports_are_kept_between_scheduled_runs():
    """Restored before `make reports`, saved after it whatever happened, under keys that match each other."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["reports"]["steps"]
    names = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps]
    restore = steps[names.index("actions/cache/restore")]
    save = steps[names.index("actions/cache/save")]
    run = next(i for i, s in enumerate(steps) if s.get("run", "").startswith("make reports"))
    assert names.index("actions/cache/restore") < run < names.index("actions/cache/save")
    assert restore["with"]["path"] == save["with"]["path"] == "reports/"
    assert restore["with"]["key"] == save["with"]["key"] and "github.run_id" in save["with"]["key"]
    prefix = restore["with"]["restore-keys"].strip()
    assert save["with"]["key"].startswith(prefix) and "github.run_id" not in prefix  # the newest earlier save
    assert save["if"] == "always()"


def test_digest_is_sent_without_failing_the_run():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["reports"]["steps"]
    (digest,) = [s for s in steps if "workbench digest --send" in s.get("run", "")]
    assert digest["if"] == "always()" and digest["continue-on-error"] is True
    assert all(v.startswith("${{ secrets.") for k, v in digest["env"].items() if "SMTP" in k or "MAIL" in k
               or "WEBHOOK" in k)
