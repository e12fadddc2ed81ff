#!/usr/bin/env python3
"""Trunk post-build hook: minifies the wasm-bindgen JS of a release build, then adds a
Content-Security-Policy to the built index.html. (One hook, so the two edits of index.html
happen in order.) After the simulator's page, it builds the Experiments page
(experiments/index.html, its own wasm) and the lesson studio (studio/index.html, the simulator
with the lesson recorder) into the same distribution, under experiments/ and studio/: Trunk
builds one page per run, and pages of their own keep that code out of the simulator's bundle
(scripts/size_check).

Minifying: Trunk's own JS minifier cannot read wasm-bindgen's module (`export default`), so the
release build runs terser (npm, pinned in package.json, installed by scripts/setup) over it and
updates the file's Subresource Integrity hash in index.html. It saves about 1.8 KB of the page's
gzipped size budget (scripts/size_check).

The policy:

Trunk writes an inline module script that starts the wasm app. Rather than allow every inline
script ('unsafe-inline'), the policy names that exact script by its SHA-256 hash, computed here
after each build. Everything else the app needs comes from its own origin; it makes no network
request to anyone else, loads no fonts or analytics, and may be framed by any course page.
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

# The repository (this file is scripts/post_build.py): Trunk's TRUNK_SOURCE_DIR is the directory
# of the page being built, which for experiments/index.html is not the root.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

POLICY = (
    "default-src 'none'; "
    "script-src 'self' 'wasm-unsafe-eval' {hashes}; "
    "style-src 'self'; "
    # Yew sets a few style attributes (log table columns); attributes only, never <style>.
    "style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; "
    # Fetching the wasm, and Trunk's live-reload socket during development.
    "connect-src 'self'; "
    # The Embed dialog previews the app inside itself.
    "frame-src 'self'; "
    "base-uri 'none'; "
    "form-action 'none'; "
    "object-src 'none'"
)


def minify_js(staging: str, html: str) -> str:
    """Minifies every JS file of the build in place and returns index.html with their new
    integrity hashes."""
    terser = os.path.join(ROOT, "node_modules", "terser", "bin", "terser")
    if not os.path.exists(terser):
        raise SystemExit("post_build: terser is missing; run scripts/setup (npm ci)")
    for name in sorted(os.listdir(staging)):
        if not name.endswith(".js"):
            continue
        path = os.path.join(staging, name)
        subprocess.run(
            ["node", terser, path, "--module", "--compress", "--mangle", "-o", path], check=True
        )
        with open(path, "rb") as f:
            digest = base64.b64encode(hashlib.sha384(f.read()).digest()).decode()
        # Trunk writes href=./NAME ... integrity=sha384-...; quoted or not (minified HTML).
        pattern = r"""(href=["']?\./%s["']?[^>]*?integrity=["']?)sha384-[A-Za-z0-9+/=]+""" % re.escape(name)
        html, count = re.subn(pattern, r"\g<1>sha384-" + digest, html)
        if count == 0:
            raise SystemExit("post_build: no integrity hash for %s in index.html" % name)
    return html


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("post_build: TRUNK_STAGING_DIR is not set; run me from Trunk", file=sys.stderr)
        return 1
    path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    if os.environ.get("TRUNK_PROFILE") == "release":
        html = minify_js(staging, html)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    hashes = " ".join(
        "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
        for s in scripts
    )
    meta = '<meta http-equiv="Content-Security-Policy" content="%s" />' % POLICY.format(hashes=hashes)
    # The policy must come before any script, so it goes right after <meta charset>.
    # (Quoted or not: a release build's HTML is minified.)
    html, count = re.subn(
        r"""(<meta charset=["']?utf-8["']?\s*/?>)""", r"\1" + meta, html, count=1, flags=re.I
    )
    if count != 1:
        print("post_build: no <meta charset> in index.html to anchor the policy", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    if not os.environ.get("RAFTSIM_SUBPAGE"):
        for page in SUBPAGES:
            build_subpage(staging, page)
    return 0


# Pages of their own, each with its own wasm, so that the simulator's page (what students and
# embeds load, with its size budget) carries neither: the Experiments page and the lesson studio.
SUBPAGES = ["experiments", "studio"]


def build_subpage(staging: str, page: str) -> None:
    """Runs Trunk again, for PAGE/index.html, into STAGING/PAGE (this hook then runs for that
    build too, marked so that it does not recurse)."""
    command = ["trunk", "build", page + "/index.html", "--dist", os.path.join(staging, page)]
    if os.environ.get("TRUNK_PROFILE") == "release":
        command.append("--release")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUNK_")}
    env["RAFTSIM_SUBPAGE"] = "1"
    subprocess.run(command, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    sys.exit(main())
