"""Where uploaded and generated files are kept: STORAGES["default"] from the environment.

Object storage (any S3-compatible service: AWS S3, SeaweedFS, MinIO, Ceph...) when either is set:

    STORAGE_URL=s3://ACCESS_KEY:SECRET_KEY@HOST[:PORT]/BUCKET[/PREFIX]?region=eu-west-2&tls=1

    - the key and secret are URL-encoded (a "/" in a secret is %2F);
    - HOST[:PORT] is the S3 endpoint; `s3://KEY:SECRET@/BUCKET` (no host) means AWS itself, region from `region`;
    - PREFIX (optional) is put in front of every object name, so one bucket can hold several portals;
    - `tls=0` talks plain http (a server on loopback or a private network), default https;
    - `region` defaults to us-east-1 (what SeaweedFS and MinIO expect when they are not told otherwise).

or the usual django-storages variables: AWS_STORAGE_BUCKET_NAME (required to switch it on), AWS_S3_ENDPOINT_URL
(omit for AWS), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME, AWS_LOCATION (the prefix).

Either way: path-style addressing and s3v4 signatures (what every S3-compatible server accepts), names kept
exactly as the portal chose them (the portal's names are random or per version, so overwriting is only ever a
retry of the same file), and short timeouts with one retry, so a store that does not answer gives the "service
unavailable" page within seconds rather than holding a web worker. Otherwise files stay under MEDIA_ROOT.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_options(*, endpoint_url, bucket_name, access_key=None, secret_key=None, region_name=None, location=""):
    """The S3Storage OPTIONS the portal uses, whichever way they were given (also used by the tests)."""
    return {
        "endpoint_url": endpoint_url or None,
        "bucket_name": bucket_name,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "region_name": region_name or "us-east-1",
        "location": location.strip("/"),
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "client_config": Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=2,
            read_timeout=20,
            retries={"max_attempts": 2, "mode": "standard"},
        ),
    }


def parse_storage_url(url: str) -> dict:
    """STORAGE_URL (the form is in this module's docstring) as S3Storage OPTIONS."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"STORAGE_URL must start with s3:// (got {parts.scheme or 'nothing'}://)")
    bucket, _, prefix = parts.path.lstrip("/").partition("/")
    if not bucket:
        raise ImproperlyConfigured("STORAGE_URL names no bucket: s3://KEY:SECRET@HOST:PORT/BUCKET")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"region", "tls"}
    if unknown:
        raise ImproperlyConfigured(f"STORAGE_URL has unknown options: {', '.join(sorted(unknown))} (region, tls)")
    tls = query.get("tls", "1").lower() not in {"0", "false", "no", "off"}
    endpoint = f"{'https' if tls else 'http'}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"
    return s3_options(
        endpoint_url=endpoint if parts.hostname else None,
        bucket_name=bucket,
        access_key=unquote(parts.username or ""),
        secret_key=unquote(parts.password or ""),
        region_name=query.get("region"),
        location=prefix,
    )


def default_storage_from_env(environ) -> dict:
    """STORAGES["default"]: S3 from STORAGE_URL or AWS_STORAGE_BUCKET_NAME, else files under MEDIA_ROOT."""
    if environ.get("STORAGE_URL"):
        return {"BACKEND": S3_BACKEND, "OPTIONS": parse_storage_url(environ["STORAGE_URL"])}
    if environ.get("AWS_STORAGE_BUCKET_NAME"):
        options = s3_options(
            endpoint_url=environ.get("AWS_S3_ENDPOINT_URL"),
            bucket_name=environ["AWS_STORAGE_BUCKET_NAME"],
            access_key=environ.get("AWS_ACCESS_KEY_ID"),
            secret_key=environ.get("AWS_SECRET_ACCESS_KEY"),
            region_name=environ.get("AWS_S3_REGION_NAME"),
            location=environ.get("AWS_LOCATION", ""),
        )
        return {"BACKEND": S3_BACKEND, "OPTIONS": options}
    return dict(FILESYSTEM)
