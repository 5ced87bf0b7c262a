#!/usr/bin/env bash
# The whole InsureCRM test suite on a fresh machine: installs and starts what the tests need
# (PostgreSQL on loopback, an SMTP server for the campaign mail tests, an IMAP server for the VOC inbox tests, Debian's Chromium and the CJK fonts for the
# browser tests), runs every test project, and ends
# with one line "N passed, N failed". Exit code 0 only when nothing failed.
set -uo pipefail
cd "$(dirname "$0")"

log() { echo "[test.sh] $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# Korean and Chinese glyphs, so that the browser tests' screenshots show the pages as a person reads them.
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
# A real SMTP server for the campaign e-mail tests (they fail, not skip, without it).
dpkg -s python3-aiosmtpd >/dev/null 2>&1 || need+=(python3-aiosmtpd)
# A real IMAP server for the VOC inbox tests (they fail, not skip, without it).
dpkg -s dovecot-imapd >/dev/null 2>&1 || need+=(dovecot-imapd)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432, password auth for the tests' superuser. The cluster is chosen by its port, not by its
# place in pg_lsclusters: a machine may hold others (bench/lib.sh keeps its own on 5433, and "bench" sorts before "main").
cluster=$(pg_lsclusters -h 2>/dev/null | awk '$3==5432 {print $1" "$2; exit}')
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  name=main
  pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1==v && $2=="main"' | grep -q . && name=tests
  log "creating a PostgreSQL cluster $ver $name on port 5432"
  as_root pg_createcluster "$ver" "$name" --port 5432 >/dev/null
  cluster="$ver $name"
fi
if ! pg_lsclusters -h | awk '$3==5432 {print $4}' | grep -q online; then
  log "starting PostgreSQL $cluster"
  as_root pg_ctlcluster $cluster start
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "PostgreSQL $cluster does not answer on 127.0.0.1:5432; pg_lsclusters says:"
  pg_lsclusters
  echo "0 passed, 1 failed"
  exit 1
fi
as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres';\"" >/dev/null
export INSURECRM_TEST_PG="Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Debian's aiosmtpd (/usr/bin/python3: a python3 earlier on PATH may lack it) on 127.0.0.1:2525 delivering into a Maildir the mail tests read; only the pid started here is stopped.
smtp_dir=$(mktemp -d)
maildir="$smtp_dir/Maildir"
/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox "$maildir" >"$smtp_dir/aiosmtpd.log" 2>&1 &
smtp_pid=$!
trap 'kill "$smtp_pid" 2>/dev/null; rm -rf "$smtp_dir"' EXIT
for _ in $(seq 1 30); do
  (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break
  sleep 0.5
done
if ! (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null; then
  log "aiosmtpd does not answer on 127.0.0.1:2525:"
  cat "$smtp_dir/aiosmtpd.log"
  echo "0 passed, 1 failed"
  exit 1
fi
export INSURECRM_TEST_SMTP=127.0.0.1:2525 INSURECRM_TEST_MAILDIR="$maildir"

# A private Dovecot on 127.0.0.1:1143 for the VOC inbox tests: its own configuration, state, log and Maildir in a
# temporary folder, plain-text login for one test user, no SSL, no syslog. Run as root, Dovecot's login processes must
# be another user (dovenull) and mail may not belong to uid 0, so the mail then belongs to the dovecot user; run as
# anyone else, everything is that user's. Only the pid started here is stopped.
imap_dir=$(mktemp -d)
chmod 755 "$imap_dir"
imap_user=voc imap_password=voc-test-pass
if [ "$(id -u)" -eq 0 ]; then
  login_user=dovenull internal_user=dovecot internal_group=dovecot mail_uid=$(id -u dovecot) mail_gid=$(id -g dovecot)
else
  login_user=$(id -un) internal_user=$(id -un) internal_group=$(id -gn) mail_uid=$(id -u) mail_gid=$(id -g)
fi
mkdir -p "$imap_dir/run" "$imap_dir/state" "$imap_dir/mail/$imap_user"
[ "$(id -u)" -eq 0 ] && chown "$mail_uid:$mail_gid" "$imap_dir/mail/$imap_user"
echo "$imap_user:{PLAIN}$imap_password" >"$imap_dir/users"
chmod 644 "$imap_dir/users"
cat >"$imap_dir/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $imap_dir/run
state_dir = $imap_dir/state
log_path = $imap_dir/dovecot.log
info_log_path = $imap_dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal_user
default_internal_group = $internal_group
first_valid_uid = $mail_uid
first_valid_gid = $mail_gid
mail_location = maildir:$imap_dir/mail/%u
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 1143
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $imap_dir/users
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$imap_dir/mail/%u
}
EOF
/usr/sbin/dovecot -c "$imap_dir/dovecot.conf"
for _ in $(seq 1 30); do
  [ -s "$imap_dir/run/master.pid" ] && (exec 3<>/dev/tcp/127.0.0.1/1143) 2>/dev/null && break
  sleep 0.5
done
imap_pid=$(cat "$imap_dir/run/master.pid" 2>/dev/null)
trap 'kill "$smtp_pid" 2>/dev/null; [ -n "$imap_pid" ] && kill "$imap_pid" 2>/dev/null; rm -rf "$smtp_dir" "$imap_dir"' EXIT
if ! (exec 3<>/dev/tcp/127.0.0.1/1143) 2>/dev/null; then
  log "dovecot does not answer on 127.0.0.1:1143:"
  cat "$imap_dir/dovecot.log"
  echo "0 passed, 1 failed"
  exit 1
fi
export INSURECRM_TEST_IMAP=127.0.0.1:1143 INSURECRM_TEST_IMAP_USER="$imap_user" INSURECRM_TEST_IMAP_PASSWORD="$imap_password" \
  INSURECRM_TEST_IMAP_MAILDIR="$imap_dir/mail/$imap_user"

out=$(mktemp)
log "building"
if ! dotnet build InsureCrm.slnx -c Release -nologo -v q 2>&1 | tee "$out" | grep -E " error |Build FAILED" ; then :; fi
if grep -q "Build FAILED" "$out"; then
  cat "$out"
  echo "0 passed, 1 failed"
  exit 1
fi
log "testing"
dotnet test InsureCrm.slnx -c Release --no-build -nologo 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

passed=0; failed=0; assemblies=0
while read -r f p; do
  failed=$((failed + f)); passed=$((passed + p)); assemblies=$((assemblies + 1))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+),.*/\1 \2/p' "$out")
expected=$(find tests -maxdepth 2 -name '*.Tests.csproj' | wc -l)
if [ "$assemblies" -lt "$expected" ]; then
  log "only $assemblies of $expected test assemblies reported results"
  failed=$((failed + expected - assemblies))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
