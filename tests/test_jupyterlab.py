"""JupyterLab from the project's environment (`make lab`): it starts on notebooks/, lists the notebooks through
its contents API and offers the project kernel; then it is stopped."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workbench import config

pytest.importorskip("jupyterlab", reason="JupyterLab is an extra: pip install 'ecommerce-workbench[lab]'")

JUPYTER = Path(sys.executable).with_name("jupyter")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str):
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = _free_port(), secrets.token_hex(16)
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = {"JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(runtime / "config"),
           "PATH": f"{JUPYTER.parent}:/usr/bin:/bin", "HOME": str(runtime)}
    log = runtime / "lab.log"
    root = ["--allow-root"] if os.geteuid() == 0 else []  # containers and CI images often run as root
    proc = subprocess.Popen([str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--port-retries=0",
                             "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={config.NOTEBOOKS_DIR}", *root],
                            cwd=config.PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"jupyter lab did not start: {log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.returncode is not None


def test_contents_api_lists_the_notebooks(lab):
    base, token = lab
    listing = _get(f"{base}/api/contents/", token)
    names = {item["name"]: item["type"] for item in listing["content"]}
    expected = {p.name for p in config.NOTEBOOKS_DIR.iterdir() if not p.name.startswith(".")}
    assert set(names) == expected
    for p in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        assert names[p.name] == "notebook"
    assert names.get("explore") == "directory"


def test_project_kernel_available(lab):
    base, token = lab
    specs = _get(f"{base}/api/kernelspecs", token)
    assert "workbench" in specs["kernelspecs"]
    spec = specs["kernelspecs"]["workbench"]["spec"]
    assert spec["display_name"] == "Python (workbench)" and spec["language"] == "python"
    assert Path(spec["argv"][0]).resolve().parent == Path(sys.executable).resolve().parent


def test_requests_need_the_token(lab):
    base, _ = lab
    with pytest.raises(urllib.error.HTTPError) as exc:
        _get(f"{base}/api/contents/", "wrong-token")
    assert exc.value.code == 403
