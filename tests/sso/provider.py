"""A real OpenID Connect provider for the tests: oidc-provider 9 (npm) run with Node on loopback.

`npm ci` installs it into tests/sso/provider/node_modules from the committed package-lock.json when it is not
there yet (CI does the same first, in .ci/system-packages). Its accounts: an invited officer, a person nobody
invited, a deactivated person, a person whose email the provider has not verified, and a newcomer from a domain
the council may allow. The provider signs with a key of its own; /test/other-jwks serves a different key under
the same key id, for the wrong-key journey.
"""

import json
import shutil
import subprocess
import time
from pathlib import Path

import requests

FOLDER = Path(__file__).parent / "provider"
PORT = 9797
ISSUER = f"http://127.0.0.1:{PORT}"
CLIENT_ID = "portal-client"
CLIENT_SECRET = "portal-test-client-secret"
SECRET_ENV = "PORTAL_OIDC_SECRET_TEST"
DOMAIN = "council.example.gov.uk"
ACCOUNTS = {
    "invited-1": {"email": f"ann.invited@{DOMAIN}", "email_verified": True, "given_name": "Ann", "family_name": "Lee"},
    "uninvited-1": {"email": "bob.stranger@elsewhere.example.org", "email_verified": True},
    "deactivated-1": {"email": f"carol.left@{DOMAIN}", "email_verified": True},
    "unverified-1": {"email": f"dave.unverified@{DOMAIN}", "email_verified": False},
    "newcomer-1": {"email": f"erin.new@{DOMAIN}", "email_verified": True, "given_name": "Erin", "family_name": "New"},
}


def install() -> None:
    if (FOLDER / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: Node 20 or later is needed for the SSO tests")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FOLDER, check=True, capture_output=True)


def start(*, portal_urls: list[str], work: Path) -> subprocess.Popen:
    """Start the provider for portals at `portal_urls` (their callbacks are its redirect URIs); wait until its
    discovery document answers."""
    install()
    config = {
        "port": PORT,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{url}/oidc/callback/" for url in portal_urls],
        "post_logout_redirect_uris": [f"{url}/sign-in/" for url in portal_urls],
        "accounts": ACCOUNTS,
    }
    path = work / "provider.json"
    path.write_text(json.dumps(config))
    log = (work / "provider.log").open("w")
    process = subprocess.Popen(["node", "provider.js", str(path)], cwd=FOLDER, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider stopped: {(work / 'provider.log').read_text()}")
        try:
            if requests.get(f"{ISSUER}/.well-known/openid-configuration", timeout=1).ok:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the OIDC provider did not start within 20 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
