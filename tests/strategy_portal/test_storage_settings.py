"""STORAGE_URL and the AWS_* variables choose object storage; nothing set keeps files under MEDIA_ROOT."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from strategy_portal.storage_settings import S3_BACKEND, default_storage_from_env


def test_nothing_set_keeps_local_files():
    assert default_storage_from_env({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert default_storage_from_env({"AWS_ACCESS_KEY_ID": "k"})["BACKEND"].endswith("FileSystemStorage")


def test_storage_url_gives_path_style_s3v4_with_the_url_s_parts():
    chosen = default_storage_from_env({"STORAGE_URL": "s3://key:se%2Fcret@127.0.0.1:8333/portal/live?tls=0"})
    options = chosen["OPTIONS"]
    assert chosen["BACKEND"] == S3_BACKEND
    assert (options["endpoint_url"], options["bucket_name"], options["location"]) == (
        "http://127.0.0.1:8333", "portal", "live"
    )  # fmt: skip
    assert (options["access_key"], options["secret_key"], options["region_name"]) == ("key", "se/cret", "us-east-1")
    assert (options["addressing_style"], options["signature_version"], options["file_overwrite"]) == (
        "path", "s3v4", True
    )  # fmt: skip
    assert options["client_config"].connect_timeout == 2
    aws = default_storage_from_env({"STORAGE_URL": "s3://k:s@/bucket?region=eu-west-2"})["OPTIONS"]
    assert (aws["endpoint_url"], aws["region_name"], aws["location"]) == (None, "eu-west-2", "")
    https = default_storage_from_env({"STORAGE_URL": "s3://k:s@objects.council.gov.uk/b"})["OPTIONS"]
    assert https["endpoint_url"] == "https://objects.council.gov.uk"


def test_the_usual_aws_variables_work_too():
    env = {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
           "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_S3_REGION_NAME": "eu-west-2"}  # fmt: skip
    options = default_storage_from_env(env)["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "b", "http://127.0.0.1:9000", "eu-west-2"
    )  # fmt: skip
    assert options["addressing_style"] == "path" and options["signature_version"] == "s3v4"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://k:s@host/b", "must start with s3://"),
        ("s3://k:s@host/", "names no bucket"),
        ("s3://k:s@host/b?secure=0", "unknown options: secure"),
    ],
)
def test_a_wrong_storage_url_is_refused_at_start_with_a_reason(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage_from_env({"STORAGE_URL": url})
