"""Cross-feature privacy probes (issue 15, second pass on the merged code).

The fixes of issue 15 were made on separate branches; these probes try what
none of them could see alone: the form server's logs and error pages for
malformed requests, real names written in free text reaching pseudonymised
outputs made by other features (exports, harvest, the group report), and
``forget`` against invitations and the exports added since. The list of
probes and their results is in docs/privacy.md, "How we tested this".
"""

from __future__ import annotations

import http.client
import logging
import sys
import time
from pathlib import Path

import pytest

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.formserver import FormPages

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "browser"))
from _store import COP, make_store  # noqa: E402
from test_formserver import _serving  # noqa: E402


# ----------------------------------------------------------------------------- form server
@pytest.fixture
def served(tmp_path):
    path = tmp_path / "forms.sqlite"
    make_store(path)
    with ck.open_store(path) as s:
        (card,) = inv.create_invitations(s, COP, "cop_climate", "post", anonymous=1)
    port, loop, thread = _serving(path)
    yield port, card.token
    loop.add_callback(loop.stop)
    thread.join(timeout=10)


def _raw(port: int, method: str, target: str, body: bytes | None = None,
         headers: dict | None = None) -> tuple[int, str]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, target, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def _wait_for(caplog, text: str) -> None:
    for _ in range(100):  # the server logs after it has answered
        if text in caplog.text:
            return
        time.sleep(0.02)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_malformed_requests_never_put_a_token_in_the_log(served, caplog):
    port, token = served
    with caplog.at_level(logging.DEBUG):
        # a real token with one byte that is not UTF-8: tornado refuses it with a 400
        assert _raw(port, "GET", f"/?t={token}%ff")[0] == 400
        assert _raw(port, "POST", "/", f"t={token}%ff".encode(), FORM)[0] == 400
        assert _raw(port, "POST", f"/?t={token}%fe", b"--x\r\nbroken",
                    {"Content-Type": "multipart/form-data; boundary=x"})[0] == 400
        _wait_for(caplog, "400 POST")
    assert "400 GET /" in caplog.text and "400 POST /" in caplog.text
    assert token not in caplog.text
    assert token[:12] not in caplog.text


def test_an_unexpected_error_logs_the_traceback_but_not_the_link(served, caplog, monkeypatch):
    port, token = served

    def broken(self, token, accept_language=None):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(FormPages, "get", broken)
    with caplog.at_level(logging.DEBUG):
        status, body = _raw(port, "GET", f"/?t={token}")
        _wait_for(caplog, "500 GET")
    assert status == 500
    # the participant sees the neutral page, nothing of the store or the error
    assert "disk is full" not in body and "Traceback" not in body and COP not in body
    # the facilitator's log has the traceback, without the link
    assert "RuntimeError: the disk is full" in caplog.text
    assert token not in caplog.text and token[:12] not in caplog.text


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_no_page_about_the_store(served, method):
    port, token = served
    status, body = _raw(port, method, f"/?t={token}", b"x" if method in ("PUT", "PATCH") else None)
    assert status == 405
    for bit in (COP, "sqlite", "Traceback", "Pausenhof", "cop_climate", token):
        assert bit not in body
