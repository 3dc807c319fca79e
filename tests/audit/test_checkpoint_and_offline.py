"""Signed checkpoints, and the offline verifier running where Flask is not installed."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.audit.verify import main as verify
from sandbox.models import AuditCheckpoint, AuditEvent

from .conftest import write_events

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def signing_key(app, tmp_path):
    path = tmp_path / "keys" / "audit.pem"
    previous = app.config["AUDIT_SIGNING_KEY"]
    app.config["AUDIT_SIGNING_KEY"] = str(path)
    yield path
    app.config["AUDIT_SIGNING_KEY"] = previous


def _public_key(output):
    return output.strip().splitlines()[-1].rsplit(" ", 1)[-1]


def test_keygen_creates_a_key_once_and_never_overwrites_it(runner, signing_key):
    first = runner.invoke(args=["audit", "keygen"])
    assert first.exit_code == 0 and "Created" in first.output
    pem = signing_key.read_bytes()
    assert oct(signing_key.stat().st_mode & 0o777) == "0o600"
    second = runner.invoke(args=["audit", "keygen"])
    assert "Kept the existing" in second.output
    assert signing_key.read_bytes() == pem
    assert _public_key(first.output) == _public_key(second.output)


def test_checkpoint_without_a_key_says_what_to_do(runner, signing_key):
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 2 and "flask audit keygen" in result.output


@pytest.fixture
def signed(runner, signing_key, db, tmp_path):
    """Five events, a signed checkpoint over them, and the auditor's copy of the public key."""
    write_events(5)
    public_key = _public_key(runner.invoke(args=["audit", "keygen"]).output)
    out = tmp_path / "checkpoint.json"
    result = runner.invoke(args=["audit", "checkpoint", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, public_key


def test_a_checkpoint_is_stored_signed_and_itself_recorded(signed, db):
    out, public_key = signed
    document = json.loads(out.read_text())
    assert (document["seq"], document["count"], document["public_key"]) == (5, 5, public_key)
    stored = db.session.query(AuditCheckpoint).one()
    assert stored.head_hash == document["head_hash"] == db.session.get(AuditEvent, 5).hash
    assert db.session.get(AuditEvent, 6).action == "audit.checkpointed"


def test_an_export_verifies_against_the_checkpoint_and_its_signature(signed, export_file, capsys):
    checkpoint, public_key = signed
    path = export_file("csv")
    assert verify([str(path), "--checkpoint", str(checkpoint), "--public-key", public_key]) == 0
    assert "signature valid" in capsys.readouterr().out


def test_a_cut_tail_fails_against_the_checkpoint(signed, export_file, capsys):
    checkpoint, public_key = signed
    path = export_file("jsonl")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8")
    assert verify([str(path), "--checkpoint", str(checkpoint), "--public-key", public_key]) == 1
    assert "tail was cut off" in capsys.readouterr().err


def test_a_forged_checkpoint_fails_the_signature(signed, export_file, capsys):
    checkpoint, public_key = signed
    document = json.loads(checkpoint.read_text())
    document["count"] = 4
    checkpoint.write_text(json.dumps(document))
    assert verify([str(export_file("csv")), "--checkpoint", str(checkpoint), "--public-key", public_key]) == 1
    assert "signature is not valid" in capsys.readouterr().err


def test_a_checkpoint_signed_with_another_key_is_refused(signed, export_file):
    checkpoint, _ = signed
    assert verify([str(export_file("csv")), "--checkpoint", str(checkpoint), "--public-key", "ab" * 32]) == 1


BLOCK_FLASK = ("import sys, runpy; "
               "[sys.modules.__setitem__(m, None) for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy', "
               "'cryptography', 'werkzeug', 'jinja2')]; "
               "sys.argv = ['verify'] + sys.argv[1:]; "
               "runpy.run_module('sandbox.audit.verify', run_name='__main__', alter_sys=True)")


def _run(args, cwd=ROOT):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_the_offline_verifier_needs_neither_flask_nor_cryptography(signed, export_file):
    checkpoint, public_key = signed
    path = export_file("jsonl")
    result = _run(["-c", BLOCK_FLASK, str(path), "--checkpoint", str(checkpoint), "--public-key", public_key])
    assert result.returncode == 0, result.stderr
    assert "signature NOT checked" in result.stdout and "cryptography" in result.stdout


def test_the_verifier_also_runs_as_a_plain_script_copied_anywhere(some_events, export_file, tmp_path):
    tools = tmp_path / "auditor-tools"
    tools.mkdir()
    for name in ("verify.py", "chain.py", "verify_sequential.py", "verify_parallel.py"):
        (tools / name).write_bytes((ROOT / "sandbox" / "audit" / name).read_bytes())
    path = export_file("csv")
    ok = _run(["-I", str(tools / "verify.py"), str(path)], cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("test.happened", "test.other", 1),
                    encoding="utf-8", newline="")
    broken = _run(["-I", str(tools / "verify.py"), str(path)], cwd=tmp_path)
    assert broken.returncode == 1 and "sequence 1" in broken.stderr


def test_python_dash_m_works_without_flask_importable(some_events, export_file):
    result = _run(["-c", "import sys; sys.modules['flask'] = None; import runpy; "
                   "sys.argv = ['verify', sys.argv[1]]; "
                   "runpy.run_module('sandbox.audit.verify', run_name='__main__', alter_sys=True)",
                   str(export_file("csv"))])
    assert result.returncode == 0, result.stderr
