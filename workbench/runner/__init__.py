"""The report runner: parameters, papermill execution, HTML, manifest, catalog, index, CLI.

It knows notebooks and files, not e-commerce: nothing here imports an analysis, a loader or a plot.
Modules, one job each:

- ``params``    parse the ``parameters`` cell; validate and convert values before a kernel starts
- ``notebook``  find a notebook by name or path; title, parameters, content hash
- ``execute``   run one notebook into ``reports/<notebook>/<run-id>/`` (papermill, project kernel)
- ``kernel``    the run's kernel: output to the log, the time limit, ended with every child at the end
- ``processes`` ending a kernel's session and descendants (``/proc``, no psutil)
- ``runlog``    ``run.log``: the cells' stderr, the runner's log, the kernel's output
- ``compare``   each metric's change against the previous run, and whether it is beyond noise
- ``html``      the self-contained HTML report (header + outputs, no external resources)
- ``manifest``  manifest.json / metrics.json, environment, git state, incremental-run check
- ``files``     run ids, temporary run folders, atomic writes, the index lock
- ``catalog``   ``catalog.yaml``: the scheduled jobs, their time limits and requirements
- ``alerts``    the catalog's alert rules, checked and evaluated
- ``batch`` / ``worker``  ``run --all``: a worker process per parallel slot, longest jobs first, progress, summary
- ``preload``   the workers' kernels forked from a template process with the libraries imported
- ``ledger``    ``reports/jobs.json``: what the last catalog run did with each job
- ``history`` / ``index``  each job's runs; ``reports/index.html``
- ``digest`` / ``notify``  the digest of the latest runs; e-mail and webhook delivery
- ``verify``    re-run a recorded run and compare
- ``cli``       the ``workbench`` command

Submodules are imported on use (``from workbench.runner.execute import run_notebook``), so the
``workbench`` command starts without loading papermill or nbconvert.
"""
