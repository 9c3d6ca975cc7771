"""The ``workbench`` command: a thin layer over the runner modules.

    workbench list [--json]                              report notebooks and their parameters
    workbench run NOTEBOOK [-p NAME VALUE]... [-f params.yaml] [--name RUN] [--show-code]
                  [--reports-dir DIR] [--force] [--timeout SECONDS]
                                                         one report
    workbench run --all [--jobs N] [--force] [--dry-run] [--catalog FILE] [--timeout SECONDS] [--notify]
                                                         every job in catalog.yaml
    workbench digest [--reports-dir DIR] [--catalog FILE] [--send] [--base-url URL]
                                                         alerts, failures and changes of the latest runs
    workbench verify RUN_DIR [--no-execute]              re-run a recorded run and compare
    workbench index [--reports-dir DIR]                  rebuild reports/index.html

Parameter sources merge in a fixed order: the notebook's defaults, then ``-f`` (YAML), then ``-p``.
Exit codes: 0 success (skipped jobs count as success), 1 a run failed or verify found a difference,
2 bad usage or parameters (nothing was run), 130 interrupted. A digest that cannot be delivered is reported
and changes no exit code.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from workbench import config
from workbench.errors import WorkbenchError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _reports_dir(args) -> Path:
    return Path(args.reports_dir).resolve() if getattr(args, "reports_dir", None) else config.REPORTS_DIR


def _rel(path: str | os.PathLike) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith(".." + os.sep + "..") else rel


# --------------------------------------------------------------------------------------------- commands

def cmd_list(args) -> int:
    from workbench.runner.notebook import list_notebooks, read_notebook

    folder = Path(args.notebooks_dir) if args.notebooks_dir else config.NOTEBOOKS_DIR
    paths = list_notebooks(folder)
    status = EXIT_OK
    out = []
    for p in paths:
        try:
            info = read_notebook(p)
        except WorkbenchError as exc:
            out.append({"name": p.stem, "path": _rel(p), "error": str(exc)})
            status = EXIT_FAILED
            continue
        out.append({"name": info.name, "title": info.title, "path": info.display_path,
                    "parameters": [{"name": s.name, "type": s.type_name, "default": s.default,
                                    "default_source": s.default_source, "help": s.help} for s in info.params]})
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return status
    if not out:
        print(f"No report notebooks in {_rel(folder)}/ yet.")
        return status
    for nb in out:
        if "error" in nb:
            print(f"{nb['name']}  ({nb['path']})\n    cannot read the parameters: {nb['error']}\n")
            continue
        print(f"{nb['name']}  {nb['title']}\n    {nb['path']}")
        params = nb["parameters"]
        if not params:
            print("    (no parameters)\n")
            continue
        w_name = max(4, *(len(p["name"]) for p in params))
        w_type = max(4, *(len(p["type"]) for p in params))
        w_def = min(40, max(7, *(len(p["default_source"]) for p in params)))
        print(f"    {'NAME':<{w_name}}  {'TYPE':<{w_type}}  {'DEFAULT':<{w_def}}  HELP")
        for p in params:
            default = p["default_source"]
            default = default if len(default) <= w_def else default[: w_def - 1] + "…"
            print(f"    {p['name']:<{w_name}}  {p['type']:<{w_type}}  {default:<{w_def}}  {p['help']}")
        print()
    return status


def cmd_run(args) -> int:
    if args.all:
        if args.notebook or args.param or args.params_file or args.name:
            print("workbench run --all takes no NOTEBOOK, -p, -f or --name (the catalog sets them)", file=sys.stderr)
            return EXIT_USAGE
        return _run_all(args)
    if args.notify:
        print("workbench run: --notify goes with --all (for one report, run `workbench digest --send` after it)",
              file=sys.stderr)
        return EXIT_USAGE
    if not args.notebook:
        print("workbench run: give a NOTEBOOK (see `workbench list`) or --all", file=sys.stderr)
        return EXIT_USAGE
    from workbench.runner.execute import prepare_run, run_notebook
    from workbench.runner.files import ADHOC_RUN, slug
    from workbench.runner.params import read_params_file

    values = read_params_file(args.params_file) if args.params_file else {}
    text = {name: value for name, value in (args.param or [])}
    run_name = slug(args.name) if args.name else ADHOC_RUN
    prep = prepare_run(args.notebook, parameters=values, text_parameters=text,
                       origin=str(args.params_file or ""), run_name=run_name, paths_from=Path.cwd())
    print(f"running {prep.job} ({prep.info.display_path}) ...", flush=True)
    result = run_notebook(prep, reports_dir=_reports_dir(args), show_code=args.show_code, force=args.force,
                          timeout=args.timeout)
    if result.status == "skipped":
        print(f"skipped {result.job}: {result.reason} (--force reruns)")
    elif result.status == "succeeded":
        print(f"succeeded {result.job} in {result.duration_s:.1f} s")
    else:
        print(f"FAILED {result.job}: Exception encountered at {result.where()}")
    if result.html:
        print(f"Report: {_rel(result.html)}")
    return EXIT_OK if result.ok else EXIT_FAILED


def _run_all(args) -> int:
    from workbench.runner.batch import run_catalog, summary_lines
    from workbench.runner.catalog import load_catalog

    jobs = load_catalog(args.catalog)
    reports = _reports_dir(args)
    if args.dry_run:
        return _dry_run(jobs, reports, args)
    if not jobs:
        print(f"The catalog ({_rel(args.catalog or config.CATALOG_PATH)}) lists no jobs yet.")
    t0 = time.monotonic()
    results = run_catalog(jobs, reports_dir=reports, max_jobs=args.jobs, force=args.force,
                          show_code=args.show_code, timeout=args.timeout)
    for line in summary_lines(results, elapsed=time.monotonic() - t0, reports_dir=reports):
        print(line)
    if args.notify:
        _digest(reports, jobs, send=True, base_url=None)
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def _digest(reports: Path, jobs, *, send: bool, base_url: str | None) -> None:
    """Write the digest (and send it); problems are printed, never raised: the runs are already safe."""
    try:
        from workbench.runner.digest import build_digest, write_digest

        digest = build_digest(reports, jobs=jobs)
        html_path, text_path = write_digest(reports, digest)
        print(f"Digest: {_rel(html_path)} and {_rel(text_path)} ({digest.subject})")
    except Exception as exc:  # noqa: BLE001 - a digest problem must not fail the runs
        print(f"notify: the digest could not be written ({type(exc).__name__}: {exc}); the runs are kept",
              file=sys.stderr)
        return
    if not send:
        return
    from workbench.runner.notify import deliver

    deliveries = deliver(digest, reports, base_url=base_url)
    if not deliveries:
        print("notify: nothing to send to: set WORKBENCH_SMTP_HOST and WORKBENCH_MAIL_TO, or WORKBENCH_WEBHOOK_URL "
              "(see `workbench digest --help`)")
    for d in deliveries:
        print(d.line(), file=sys.stdout if d.ok else sys.stderr)


def _dry_run(jobs, reports: Path, args) -> int:
    from workbench.runner.execute import check_unchanged, prepare_run

    from workbench.runner.batch import job_timeout
    from workbench.runner.catalog import missing_requirements
    from workbench.runner.html import duration_text

    status = EXIT_OK
    for job in jobs:
        missing = missing_requirements(job)
        if missing:
            print(f"would skip {job.label}: {'; '.join(missing)}")
            continue
        try:
            prep = prepare_run(job.notebook, parameters=job.parameters, origin=job.where,
                               run_name=job.run_name, base=job.base)
        except WorkbenchError as exc:
            print(f"invalid   {job.label}: {exc}")
            status = EXIT_FAILED
            continue
        limit = job_timeout(job, args.timeout)
        limit_text = f"; time limit {duration_text(limit)}" if limit else "; no time limit"
        if args.force:
            print(f"would run {prep.job} (forced{limit_text})")
            continue
        skipped, reason = check_unchanged(prep, reports, show_code=args.show_code)
        print(f"would skip {prep.job}: {skipped.reason}" if skipped else f"would run {prep.job}: {reason}{limit_text}")
    return status


def cmd_digest(args) -> int:
    jobs = None
    from workbench.runner.catalog import load_catalog

    if args.catalog or config.CATALOG_PATH.is_file():
        jobs = load_catalog(args.catalog)
    _digest(_reports_dir(args), jobs, send=args.send, base_url=args.base_url)
    return EXIT_OK


def cmd_verify(args) -> int:
    from workbench.runner.verify import ABS_TOL, REL_TOL, verify_run

    print(f"verifying {_rel(args.run_dir)} (numbers compared with relative tolerance {REL_TOL:g}, "
          f"absolute {ABS_TOL:g}) ...", flush=True)
    report = verify_run(args.run_dir, execute=not args.no_execute)
    for note in report.notes:
        print(f"note: {note}")
    for diff in report.differences:
        print(f"DIFFERENCE: {diff}")
    if report.ok:
        what = f"{report.compared} metric{'s' if report.compared != 1 else ''} reproduced" if not args.no_execute \
            else "inputs and notebook unchanged (not re-executed)"
        print(f"OK: {what}; inputs match their recorded sha256.")
        return EXIT_OK
    print(f"MISMATCH: {len(report.differences)} difference{'s' if len(report.differences) != 1 else ''}.")
    return EXIT_FAILED


def cmd_index(args) -> int:
    from workbench.runner.index import build_index

    path = build_index(_reports_dir(args))
    print(f"Index: {_rel(path)}")
    return EXIT_OK


# ----------------------------------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Run the workbench's report notebooks into "
                                     "self-contained HTML reports (reports/<notebook>/<run-id>/).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="report notebooks and their parameters (name, type, default, help)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--notebooks-dir", help="folder to list (default: notebooks/)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("run", help="run one report, or every job in the catalog with --all",
                       description="Run a report notebook (by name from notebooks/ or by path). Parameters are "
                                   "checked against the notebook's parameters cell before the kernel starts.")
    p.add_argument("notebook", nargs="?", help="report name (e.g. sales-performance) or path to an .ipynb")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="set a parameter (repeatable; NAME=VALUE works too); lists as a,b or JSON; None for an "
                        "optional value")
    p.add_argument("-f", "--params-file", metavar="YAML", help="YAML file of `name: value` lines (-p wins)")
    p.add_argument("--name", help="run name; the job is <notebook>/<name> (default: manual)")
    p.add_argument("--all", action="store_true", help="run every job in the catalog")
    p.add_argument("--jobs", "-j", type=int, default=2, help="parallel jobs with --all (default 2)")
    p.add_argument("--catalog", help="catalog file (default: catalog.yaml at the project root)")
    p.add_argument("--dry-run", action="store_true", help="with --all: check the catalog, say what would run")
    p.add_argument("--show-code", action="store_true", help="keep the code in the HTML report")
    p.add_argument("--reports-dir", help="where run folders go (default: reports/, or $WORKBENCH_REPORTS_DIR)")
    p.add_argument("--force", action="store_true", help="run even if nothing changed since the last success")
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="time limit per report in seconds (or 15m, 2h): past it the kernel and its processes are "
                        "ended and the run fails 'timed out after N s' (with --all it replaces the catalog's "
                        "`timeout:` and the default of 1 h; 0: no limit; without --all: no limit unless given)")
    p.add_argument("--notify", action="store_true", help="with --all: write the digest and send it (e-mail, webhook; "
                   "see `workbench digest --help`) when the jobs are done")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("digest", help="alerts, failures and headline changes of the latest runs, as HTML and text",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Write reports/digest.html and reports/digest.txt: the catalog's alerts first, "
                                   "then failures with their cell and error, then each job's headline changes, "
                                   "with links to the reports. --send delivers it.",
                       epilog="Delivery settings come from the environment, never from catalog.yaml:\n"
                              "  e-mail:  WORKBENCH_SMTP_HOST, WORKBENCH_SMTP_PORT, WORKBENCH_SMTP_TLS "
                              "(starttls|ssl|none),\n"
                              "           WORKBENCH_SMTP_USER, WORKBENCH_SMTP_PASSWORD, WORKBENCH_SMTP_CA_FILE,\n"
                              "           WORKBENCH_MAIL_FROM, WORKBENCH_MAIL_TO (comma-separated)\n"
                              "  webhook: WORKBENCH_WEBHOOK_URL (comma-separated), WORKBENCH_WEBHOOK_FORMAT "
                              "(slack|teams|text)\n"
                              "  links:   WORKBENCH_REPORTS_URL, the published address of reports/ (or --base-url)")
    p.add_argument("--reports-dir", help="reports folder (default: reports/)")
    p.add_argument("--catalog", help="catalog file with the jobs and alert rules (default: catalog.yaml)")
    p.add_argument("--send", action="store_true", help="also send it by e-mail and webhook (settings below)")
    p.add_argument("--base-url", help="published address of reports/ for the links in the e-mail and webhook "
                   "(default: $WORKBENCH_REPORTS_URL; without one the links are file:// paths)")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("verify", help="re-run a recorded run with its parameters and compare inputs and metrics")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder, reports/<notebook>/<run-id>/")
    p.add_argument("--no-execute", action="store_true", help="only check the input fingerprints and notebook")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("index", help="rebuild reports/index.html from the run folders")
    p.add_argument("--reports-dir", help="reports folder (default: reports/)")
    p.set_defaults(func=cmd_index)
    return parser


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


def _seconds(text: str) -> float:
    """``--timeout`` value: seconds (``900``) or with a unit (``15m``, ``2h``); 0 means no limit."""
    from workbench.runner.catalog import CatalogError, parse_timeout

    value = text.strip()
    try:
        number: float | None = float(value)
    except ValueError:
        number = None
    if number == 0:
        return 0.0
    try:
        return parse_timeout(value if number is None else number, where="--timeout")
    except CatalogError:
        raise argparse.ArgumentTypeError(f"{text!r} is no time limit: give seconds (900) or 15m / 2h; 0 for none") \
            from None


def _split_param_pairs(argv: list[str]) -> list[str]:
    """``-p period=week`` as ``-p period week``: many tools take ``NAME=VALUE``, and argparse would only say "expected
    2 arguments". Only a token right after ``-p``/``--param`` whose part before the first ``=`` is a parameter name
    is split, so ``-p columns user_id=visitor_id`` keeps its value as written."""
    out: list[str] = []
    after_flag = False
    for token in argv:
        name, eq, value = token.partition("=")
        if after_flag and eq and name.isidentifier():
            out += [name, value]
        else:
            out.append(token)
        after_flag = token in ("-p", "--param")
    return out


def main(argv: list[str] | None = None) -> int:
    import logging
    import threading

    args = build_parser().parse_args(_split_param_pairs(sys.argv[1:] if argv is None else argv))
    if args.command == "run" and argv is None:
        logging.captureWarnings(True)  # the run's Python warnings go to its log, not the terminal
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\ninterrupted: no partial run folder was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
