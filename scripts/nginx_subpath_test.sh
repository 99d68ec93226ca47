#!/usr/bin/env bash
# Proves a sub-path build works behind a real web server: starts Debian's nginx on an
# ephemeral loopback port with docs/examples/nginx-release.conf (the snippet that
# docs/deploy.md gives, only its folder path replaced by SITE_DIR) and fetches, through
# nginx, every file of the site and every URL that any HTML page or CSS file references
# (scripts/fetch_site.py). Any answer other than 200 fails, and so do a wrong
# Content-Type, a missing 404 page status and a /release redirect that goes elsewhere.
# Usage: scripts/nginx_subpath_test.sh SITE_DIR [SITE_URL]
#   SITE_DIR  a site built with --base-url .../release/
#   SITE_URL  its --base-url (e.g. https://example.org/release/): absolute links into
#             the site are then fetched through nginx as well
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
site=$(cd "${1:?usage: nginx_subpath_test.sh SITE_DIR [SITE_URL]}" && pwd)
site_url=${2:-}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (apt-get install nginx)"; exit 2; }
[ -f /etc/nginx/mime.types ] || { echo "/etc/nginx/mime.types is missing"; exit 2; }
snippet=$repo/docs/examples/nginx-release.conf
grep -q 'alias /var/www/annex/release/;' "$snippet" || { echo "$snippet lost its alias line"; exit 2; }

tmp=$(mktemp -d); pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
# As root, nginx's workers would drop to `nobody`, who may not reach the checkout.
user_line=""; [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
{
  cat <<CONF
$user_line
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $tmp/access.log;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        server_name localhost;
CONF
  sed "s#/var/www/annex/release/#$site/#" "$snippet" | sed 's/^/        /'
  printf '    }\n}\n'
} > "$tmp/nginx.conf"
"$nginx" -t -q -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" || { cat "$tmp/nginx.conf"; exit 1; }
"$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" -g 'daemon off;' &
pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$pid" 2>/dev/null || { echo "nginx exited:"; cat "$tmp/error.log"; exit 1; }
  sleep 0.1
done
echo "nginx $("$nginx" -v 2>&1 | sed 's#.*/##') serving $site at http://127.0.0.1:$port/release/"
args=("$site" "http://127.0.0.1:$port/release/"); [ -n "$site_url" ] && args+=(--site-url "$site_url")
rc=0
python3 "$repo/scripts/fetch_site.py" "${args[@]}" || rc=$?
if [ "$rc" -ne 0 ]; then echo "-- nginx error log"; tail -n 20 "$tmp/error.log"; fi
exit "$rc"
