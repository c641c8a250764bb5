"""A real browser and a real Jupyter server for the browser tests.

Debian's Chromium, headless, driven by Playwright (no browser downloads); JupyterLab with the
formgrader serving a course folder on a free port of 127.0.0.1, without a token.
"""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import course

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"


@contextlib.contextmanager
def chromium() -> Iterator:
    """Headless Chromium (run as root here, hence no Chromium sandbox of its own)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "make test installs chromium (apt-get install chromium)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root: Path) -> Iterator[str]:
    """A token-less JupyterLab (with the formgrader) serving ``root`` on a free local port."""
    port = _free_port()
    env = course.nbgrader_env()
    env["JUPYTER_CONFIG_DIR"] = str(root / ".jupyter-config")
    env["HOME"] = str(root)
    # No "get notified about Jupyter news?" question over the notebook.
    settings = root / ".jupyter-settings"
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text(json.dumps({"fetchNews": "false"}))
    log = (root / "jupyter.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((root / "jupyter.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
