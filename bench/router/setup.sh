#!/bin/sh
# Installs the peers and the load generator of the router benchmarks (Debian/Ubuntu).
# nginx-light and caddy are the proxies hero_router is compared with; wrk drives the load.
set -e
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light caddy wrk
