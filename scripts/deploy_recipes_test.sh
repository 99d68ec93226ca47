#!/usr/bin/env bash
# Runs the deploy recipes of docs/deploy.md as written and checks what they build:
#   GitHub Pages  the build step of docs/examples/github-pages.yml (user `example`,
#                 repository `release`), its artifact folder and permissions; the site is
#                 link-checked under /release/ and served under /release/ by nginx
#                 (scripts/nginx_subpath_test.sh), as a project page is
#   Netlify       [build] command of docs/examples/netlify.toml with URL set as Netlify
#                 sets it, and its publish folder; link-checked at the root
#   Cloudflare    docs/examples/cloudflare-pages-build.sh with ANNEX_BASE_URL; link-checked
# Each recipe writes public/ in the checkout (the default output folder).
# Usage: scripts/deploy_recipes_test.sh   (from anywhere; needs a working `annex build`)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ -f "$repo/../shared/validators/linkcheck.py" ]; then linkcheck=$repo/../shared/validators/linkcheck.py
else linkcheck=$repo/scripts/validators/linkcheck.py; fi

echo "== GitHub Pages (docs/examples/github-pages.yml)"
gh_cmd=$(python3 - <<'PY'
import sys, yaml
wf = yaml.safe_load(open("docs/examples/github-pages.yml"))
perms = wf["permissions"]
assert perms.get("pages") == "write" and perms.get("id-token") == "write", f"permissions: {perms}"
steps = wf["jobs"]["build"]["steps"]
runs = [s["run"] for s in steps if "run" in s and "build" in s["run"]]
assert len(runs) == 1, f"expected one build step, found {runs}"
upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
assert upload and upload[0]["with"]["path"] == "public", "the artifact must be the output folder public/"
deploy = wf["jobs"]["deploy"]["steps"]
assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy)
cmd = runs[0].replace("${{ github.repository_owner }}", "example") \
             .replace("${{ github.event.repository.name }}", "release")
assert "${{" not in cmd, f"unknown expression left in {cmd}"
print(cmd)
PY
)
echo "\$ $gh_cmd"
rm -rf public
bash -c "$gh_cmd"
python3 "$linkcheck" public --base /release/ --site-url https://example.github.io/release/
bash scripts/nginx_subpath_test.sh public https://example.github.io/release/

echo "== Netlify (docs/examples/netlify.toml)"
nl_cmd=$(python3 - <<'PY'
import tomllib
conf = tomllib.load(open("docs/examples/netlify.toml", "rb"))["build"]
assert conf["publish"] == "public", conf
print(conf["command"])
PY
)
echo "\$ URL=https://example.netlify.app $nl_cmd"
rm -rf public
URL=https://example.netlify.app bash -c "$nl_cmd"
python3 "$linkcheck" public --base / --site-url https://example.netlify.app/

echo "== Cloudflare Pages (docs/examples/cloudflare-pages-build.sh)"
rm -rf public
ANNEX_BASE_URL=https://example.pages.dev/ bash docs/examples/cloudflare-pages-build.sh
python3 "$linkcheck" public --base / --site-url https://example.pages.dev/
echo "deploy recipes: all three built a site whose links resolve"
