#!/usr/bin/env bash
# Installs the real peers the tests talk to (Postfix, Dovecot, swaks, dnsmasq as a DNS server, Chromium
# for the console's browser tests, systemd-analyze for the unit file) from Debian's packages, without
# prompts and without starting them: tests run private instances of their own.
set -euo pipefail
need=()
command -v postfix >/dev/null 2>&1 || need+=(postfix)
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v swaks >/dev/null 2>&1 || need+=(swaks)
command -v dnsmasq >/dev/null 2>&1 || need+=(dnsmasq-base)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# systemd-analyze verifies packaging/postroom.service.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: not root; interop tests will skip (missing: ${need[*]})" >&2
  exit 0
fi
echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
echo "postfix postfix/mailname string postroom.test" | debconf-set-selections
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The package may start a system instance; the tests want the ports and queue to themselves.
postfix stop >/dev/null 2>&1 || true
pkill -x dovecot >/dev/null 2>&1 || true
