#!/usr/bin/env python3
"""Trunk post-build hook: adds a Content-Security-Policy to the built index.html.

Trunk writes an inline module script that starts the wasm app. Rather than allow every inline
script ('unsafe-inline'), the policy names that exact script by its SHA-256 hash, computed here
after each build. Everything else the app needs comes from its own origin; it makes no network
request to anyone else, loads no fonts or analytics, and may be framed by any course page.
"""
import base64
import hashlib
import os
import re
import sys

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


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("csp_hook: TRUNK_STAGING_DIR is not set; run me from Trunk", file=sys.stderr)
        return 1
    path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    hashes = " ".join(
        "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
        for s in scripts
    )
    meta = '<meta http-equiv="Content-Security-Policy" content="%s" />' % POLICY.format(hashes=hashes)
    # The policy must come before any script, so it goes right after <meta charset>.
    html, count = re.subn(r'(<meta charset="utf-8" />)', r"\1\n  " + meta, html, count=1)
    if count != 1:
        print("csp_hook: no <meta charset> in index.html to anchor the policy", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
