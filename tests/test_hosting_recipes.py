"""The private-page recipes of docs/hosting.md, run as written: the Cloudflare Pages
password function in Node, the nginx password lines with openssl; and the nginx server
block checked for what keeps every file behind the password (nginx itself is not installed
here, so it is not run)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "hosting.md"
HARNESS = """\
import { onRequest } from "./middleware.mjs";
const next = async () =>
  new Response("the page", { status: 200, headers: { "Cache-Control": "public, max-age=60" } });
const cases = {
  none: [{ PAGE_PASSWORD: "s3cret" }, null],
  wrong: [{ PAGE_PASSWORD: "s3cret" }, "status:guess"],
  longer: [{ PAGE_PASSWORD: "s3cret" }, "status:s3cret-and-more"],
  right: [{ PAGE_PASSWORD: "s3cret" }, "status:s3cret"],
  unset: [{}, "status:undefined"],
  user: [{ PAGE_PASSWORD: "s3cret", PAGE_USER: "ops" }, "ops:s3cret"],
};
const out = {};
for (const [name, [env, credentials]] of Object.entries(cases)) {
  const headers = credentials ? { Authorization: "Basic " + btoa(credentials) } : {};
  const request = new Request("https://internal.example/api/v2/summary.json", { headers });
  const response = await onRequest({ request, env, next });
  out[name] = {
    status: response.status,
    body: await response.text(),
    cache: response.headers.get("Cache-Control"),
    challenge: response.headers.get("WWW-Authenticate"),
  };
}
console.log(JSON.stringify(out));
"""


def block(language: str, starting: str) -> str:
    """The fenced `language` block of docs/hosting.md whose text starts with `starting`."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```$", DOCS.read_text(), re.S | re.M)
    (found,) = [text for text in blocks if text.startswith(starting)]
    return found


def test_the_cloudflare_pages_function_lets_only_the_right_password_through(
    tmp_path: Path,
) -> None:
    (tmp_path / "middleware.mjs").write_text(block("js", "// functions/_middleware.js"))
    (tmp_path / "harness.mjs").write_text(HARNESS)
    ran = subprocess.run(
        ["node", "harness.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    refused = {
        "status": 401,
        "body": "Authentication required\n",
        "cache": "no-store",
        "challenge": 'Basic realm="status", charset="UTF-8"',
    }
    assert {name: out[name] for name in ("none", "wrong", "longer", "unset")} == dict.fromkeys(
        ("none", "wrong", "longer", "unset"), refused
    )
    let_in = {"status": 200, "body": "the page", "cache": "private, no-store", "challenge": None}
    assert out["right"] == out["user"] == let_in


def test_the_nginx_password_lines_write_a_hash_openssl_verifies(tmp_path: Path) -> None:
    lines = block("sh", "read -rsp").splitlines()
    assert lines[0].startswith("read -rsp 'Password for reader: ' PASSWORD")
    make = lines[1].replace("sudo tee -a /etc/nginx/status-internal.htpasswd", 'tee -a "$FILE"')
    htpasswd = tmp_path / "status-internal.htpasswd"
    for password in ("correct horse", "s3cret"):
        environ = {"PASSWORD": password, "FILE": str(htpasswd), "PATH": "/usr/bin:/bin"}
        subprocess.run(["bash", "-euo", "pipefail", "-c", make], env=environ, check=True)
    entries = htpasswd.read_text().splitlines()
    assert len(entries) == 2
    for entry, password in zip(entries, ("correct horse", "s3cret"), strict=True):
        user, hashed = entry.split(":", 1)
        match = re.fullmatch(r"\$apr1\$([^$]{1,8})\$[./0-9A-Za-z]{22}", hashed)
        assert user == "reader" and match, entry
        assert password not in entry

        def apr1(text: str, salt: str = match.group(1)) -> str:
            command = ["openssl", "passwd", "-apr1", "-salt", salt, "-stdin"]
            return subprocess.run(
                command, input=text, capture_output=True, text=True, check=True
            ).stdout.strip()

        assert apr1(password) == hashed
        assert apr1(password + "x") != hashed


def test_the_nginx_server_block_keeps_every_file_behind_the_password() -> None:
    server = block("nginx", "server {\n    listen 443 ssl http2;\n    server_name internal.")
    root = re.search(r"^    root (\S+);$", server, re.M)
    users = re.search(r"^    auth_basic_user_file (\S+);$", server, re.M)
    assert root and users
    assert not users.group(1).startswith(root.group(1).rstrip("/") + "/"), "not served"
    assert users.group(1) == "/etc/nginx/status-internal.htpasswd"
    assert re.search(r'^    auth_basic "[^"]+";$', server, re.M), "at the server level"
    assert "auth_basic off" not in server
    locations = re.findall(r"^    location [^{]*\{(.*?)^    \}", server, re.S | re.M)
    assert len(locations) == 2
    # An add_header inside a location would drop the server's (nginx does not merge them).
    assert not any("add_header" in location for location in locations)
    assert 'add_header X-Robots-Tag "noindex" always;' in server
    assert "listen 80" not in server, "the password only over HTTPS"
