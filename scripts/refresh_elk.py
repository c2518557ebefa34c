#!/usr/bin/env python3
"""Fetch the vendored elkjs bundle again and check it (maintainers; needs npm).

    python scripts/refresh_elk.py                    # verify: download, compare, copy
    python scripts/refresh_elk.py --update           # accept a new SHA-256 for the pin
    python scripts/refresh_elk.py --update --version 0.12.2

Steps: ``npm pack elkjs@VERSION`` into a temporary directory; the tarball's SHA-512 must
equal the registry's ``dist.integrity`` (``npm view``); its package.json must name that
version; ``lib/elk.bundled.js`` must have the SHA-256 pinned in
src/dagnote/drawing/elk_runner.py (``--update`` rewrites the pin there and in NOTICE.md).
Then the bundle and the licence (package/LICENSE.md, the EPL-2.0 text) are copied,
unmodified, into src/dagnote/drawing/elk/. Nothing runs through a shell.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "src" / "dagnote" / "drawing" / "elk_runner.py"
ELK_DIR = ROOT / "src" / "dagnote" / "drawing" / "elk"
NOTICE = ELK_DIR / "NOTICE.md"
BUNDLE_MEMBER = "package/lib/elk.bundled.js"
LICENSE_MEMBER = "package/LICENSE.md"
LICENSE_MARK = b"Eclipse Public License - v 2.0"

VERSION_RE = re.compile(r'^ELK_VERSION = "([^"]+)"$', re.M)
SHA_RE = re.compile(r'^ELK_SHA256 = "([0-9a-f]{64})"$', re.M)
INTEGRITY_RE = re.compile(r"sha512-[A-Za-z0-9+/]{86}==")  # the tarball's, in NOTICE.md
SIZE_RE = re.compile(r"\(\d{1,3}(?:,\d{3})* bytes;")  # the bundle's, in NOTICE.md
VERSION_SHAPE = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")


def fail(message: str) -> NoReturn:
    sys.exit(f"refresh_elk: {message}")


def pinned() -> tuple[str, str]:
    text = RUNNER.read_text("utf-8")
    version, sha = VERSION_RE.search(text), SHA_RE.search(text)
    if version is None or sha is None:
        fail(f"ELK_VERSION / ELK_SHA256 not found in {RUNNER}")
    return version.group(1), sha.group(1)


def npm(npm_path: str, *args: str, cwd: Path) -> str:
    proc = subprocess.run(  # noqa: S603 - fixed argv (npm found on PATH), no shell
        [npm_path, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )
    if proc.returncode != 0:
        fail(f"'npm {' '.join(args)}' failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout


def fetch(version: str, tmp: Path) -> tuple[bytes, bytes, dict, str]:
    """The bundle, the licence text and package.json of elkjs@version, integrity-checked."""
    npm_path = shutil.which("npm")
    if npm_path is None:
        fail("npm is not on PATH")
    spec = f"elkjs@{version}"
    expected = json.loads(npm(npm_path, "view", spec, "dist.integrity", "--json", cwd=tmp))
    if not isinstance(expected, str) or not expected.startswith("sha512-"):
        fail(f"the registry gave no sha512 integrity for {spec}: {expected!r}")
    packed = json.loads(npm(npm_path, "pack", spec, "--json", "--ignore-scripts",
                            "--pack-destination", str(tmp), cwd=tmp))
    tarball = tmp / Path(packed[0]["filename"]).name
    data = tarball.read_bytes()
    actual = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        fail(f"{tarball.name}: integrity {actual} does not match the registry's {expected}")
    print(f"{tarball.name}: {len(data)} bytes, integrity matches the registry ({expected[:23]}...)")
    with tarfile.open(tarball, "r:gz") as tar:  # members are read, never extracted

        def member(name: str) -> bytes:
            try:
                info = tar.getmember(name)
            except KeyError:
                fail(f"{tarball.name} has no {name}")
            handle = tar.extractfile(info) if info.isfile() else None
            if handle is None:
                fail(f"{name} in {tarball.name} is not a regular file")
            return handle.read()

        bundle = member(BUNDLE_MEMBER)
        licence = member(LICENSE_MEMBER)
        package = json.loads(member("package/package.json"))
    if package.get("name") != "elkjs" or package.get("version") != version:
        fail(f"package.json names {package.get('name')}@{package.get('version')}, not {spec}")
    if LICENSE_MARK not in licence:
        fail(f"{LICENSE_MEMBER} is not the EPL-2.0 text")
    return bundle, licence, package, expected


def rewrite(path: Path, old_version: str, version: str, old_sha: str, sha: str,
            pattern_version: re.Pattern[str] | None = None) -> None:
    text = path.read_text("utf-8")
    new = text.replace(old_sha, sha)
    if pattern_version is not None:
        new = pattern_version.sub(f'ELK_VERSION = "{version}"', new)
    elif old_version != version:
        new = new.replace(old_version, version)
    if new != text:
        path.write_text(new, "utf-8")
        print(f"updated {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true",
                        help="accept the downloaded bundle: rewrite the pinned SHA-256 "
                             "(and version) in elk_runner.py and NOTICE.md")
    parser.add_argument("--version", help="another elkjs version (needs --update)")
    args = parser.parse_args()
    old_version, old_sha = pinned()
    version = args.version or old_version
    if version != old_version and not args.update:
        fail("--version needs --update (the pin would not match)")
    if not VERSION_SHAPE.match(version):
        fail(f"not a version: {version!r}")

    with tempfile.TemporaryDirectory(prefix="dagnote-elk-") as tmp:
        bundle, licence, package, integrity = fetch(version, Path(tmp))
    sha = hashlib.sha256(bundle).hexdigest()
    print(f"{BUNDLE_MEMBER}: {len(bundle)} bytes, sha256 {sha}")
    print(f"licence field in package.json: {package.get('license')}")
    if sha != old_sha or version != old_version:
        if not args.update:
            fail(f"sha256 {sha} differs from the pinned {old_sha} (elk_runner.ELK_SHA256); "
                 "check the change, then rerun with --update")
        rewrite(RUNNER, old_version, version, old_sha, sha, VERSION_RE)
        rewrite(NOTICE, old_version, version, old_sha, sha)
        notice = NOTICE.read_text("utf-8")
        updated = SIZE_RE.sub(f"({len(bundle):,} bytes;", INTEGRITY_RE.sub(integrity, notice))
        if updated != notice:
            NOTICE.write_text(updated, "utf-8")
        if version != old_version:
            print("check NOTICE.md by hand: the ELK release elkjs was built from, the licence")
    ELK_DIR.mkdir(parents=True, exist_ok=True)
    (ELK_DIR / "elk.bundled.js").write_bytes(bundle)
    (ELK_DIR / "LICENSE-EPL-2.0.txt").write_bytes(licence)
    print(f"wrote {(ELK_DIR / 'elk.bundled.js').relative_to(ROOT)} and LICENSE-EPL-2.0.txt "
          "(unmodified)")


if __name__ == "__main__":
    main()
