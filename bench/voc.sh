#!/usr/bin/env bash
# VOC benchmark (issue 16) at 1,000,000 customers and 500,000 VOC cases on PostgreSQL. Not part of the test suite.
#
#   bench/voc.sh          # after `bench/foundation.sh postgres 1000000` and `bench/nightly.sh postgres`
#
# It works on DB (default bench_voc, a copy of bench_nightly made once and kept; FRESH=1 makes it again). The copy gets
# 500,000 cases in SQL (generate_series, once): two years of voices, heavier in recent weeks, across the types, the
# category leaves, the channels, live customers, their contracts and agents; a quarter still open, their due times
# spread around now so that the SLA run has work. DB=bench_nightly is refused: the script changes what it measures.
# Measures, each ROUNDS times (default 3) after an untimed warm-up:
#   dashboard  GET /voc/dashboard as a VOC handler, right after the SLA rounds and again after VACUUM (VACUUMED=0 skips) (bench-voc, role VocHandler) with its cookie: the cards, six
#              dimensions over twelve weeks, causes, gaps (goal: < 1 s). The web host runs on PORT (default 5351).
#   sla        `voc sla run` over every open case, worst case: before each round every warning and escalation mark is
#              cleared, so the run warns and escalates all cases whose time passed at once (goal: < 10 s).
#   classify   `voc classifier time --cases 200`: the stored model's suggestion as intake asks for it (the newest model's id
#              looked up, the model parsed once and kept, then the text classified), the first apart, then p50/p99 a case
#              (goal: < 50 ms). The model is trained once on the filled cases (`voc classifier train`, TRAIN=1 again).
# Each CLI run prints wall time, the CLI's and the backends' CPU seconds and the peak RSS (bench/worklist/measure.py).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
out=bench/out/postgres; mkdir -p "$out"
log() { echo "[bench] $*"; }
db=${DB:-bench_voc}
[ "$db" != bench_nightly ] || { echo "DB=bench_nightly: this script adds 500,000 cases and clears SLA marks; use a copy (the default bench_voc)" >&2; exit 1; }
source bench/lib.sh
if [ "${PUBLISH:-1}" = 1 ]; then
  bench_publish_cli bench/out/cli
  dotnet publish src/InsureCrm.Web -c Release -o bench/out/web -nologo -v q >/dev/null
fi
cli="dotnet $PWD/bench/out/cli/insurecrm.dll"
export INSURECRM_USER=bench
bench_keys "$db"
bench_pg
if [ "${FRESH:-0}" = 1 ] || ! bench_db_exists "$db"; then
  bench_db_exists bench_nightly || { echo "bench_nightly is missing: run bench/foundation.sh postgres 1000000, then bench/nightly.sh postgres" >&2; exit 1; }
  log "copying bench_nightly to $db"
  bench_sql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE bench_nightly"
  rm -f "bench/out/$db.access-log-head.json"
fi
export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs "$db")"
sql() { bench_sql -d "$db" -Atc "$1"; }
$cli db migrate >/dev/null

want=${CASES:-500000}
have=$(sql "SELECT COUNT(*) FROM voc_case")
if [ "$have" -lt "$want" ]; then
  log "filling $((want - have)) VOC cases"
  t0=$(date +%s.%N)
  # Set-based in one INSERT: the reference rows are read once into arrays (categories, departments) and the contracts are
  # numbered once in a temp table joined by row number; no per-row subquery. Texts: two sentences per category leaf (in the
  # order of the leaves' codes) and a phrase per type, so that the classifier has something to learn and the repeats
  # something to match.
  sql "
    CREATE TEMP TABLE k AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, customer_id, product_id, COALESCE(servicing_agent_id, selling_agent_id) AS agent_id FROM contract;
    ANALYZE k;
    WITH ref AS (
      SELECT (SELECT array_agg(code ORDER BY code) FROM voc_category WHERE parent_code IS NOT NULL) AS cats,
             (SELECT array_agg(name_ko ORDER BY code) FROM voc_category WHERE parent_code IS NOT NULL) AS names,
             (SELECT array_agg(id ORDER BY id) FROM voc_department WHERE branch_id IS NULL) AS deps,
             (SELECT COUNT(*) FROM k) AS nk,
             ARRAY[
               '담당 설계사가 통화 중에 언성을 높이고 무례하게 말했습니다.', '설계사의 태도가 불친절해서 다시는 상담받고 싶지 않습니다.',
               '제 동의 없이 설계사가 계약 내용을 바꿨습니다.', '설계사가 제 서명을 대신 하고 계약을 진행했습니다.',
               '담당 설계사와 몇 주째 연락이 되지 않습니다.', '설계사에게 여러 번 전화했지만 받지 않고 문자에도 답이 없습니다.',
               '보험금이 청구한 금액보다 훨씬 적게 지급되었습니다.', '지급된 보험금 산정 기준을 납득할 수 없습니다.',
               '보험금을 청구한 지 한 달이 넘었는데 아직 지급되지 않았습니다.', '심사 중이라는 말만 반복하고 보험금 지급 일정을 알려주지 않습니다.',
               '약관상 보장 대상이 아니라며 보험금 지급이 거절되었습니다.', '고지의무 위반을 이유로 보험금을 부지급 처리했습니다.',
               '보험금 청구에 어떤 서류가 필요한지 알고 싶습니다.', '서류를 다 냈는데 또 진료비 세부내역서를 보완하라고 합니다.',
               '결재 절차가 너무 길어서 고객 응대가 늦어집니다.', '지점 간 업무 인계 절차가 정해져 있지 않습니다.',
               '영업 지원 시스템이 자주 멈춰서 청약 입력을 못 합니다.', '사내 시스템 로그인이 매일 아침 오류가 납니다.',
               '사무실 냉난방이 고장 나서 근무 환경이 나쁩니다.', '휴게 공간이 부족해서 직원들이 쉴 곳이 없습니다.',
               '가입할 때 해지환급금이 없다는 설명을 듣지 못했습니다.', '갱신형이라 보험료가 오른다는 설명이 전혀 없었습니다.',
               '기존 보험을 해지하고 새 보험으로 갈아타라고 권유받았는데 손해만 봤습니다.', '승환계약으로 보장이 줄었다는 것을 나중에 알았습니다.',
               '청약서에 제가 하지 않은 서명이 있습니다.', '자필 서명 없이 계약이 체결되었습니다.',
               '이번 달 보험료가 자동이체로 두 번 출금되었습니다.', '자동이체 계좌를 다른 은행으로 바꾸고 싶습니다.',
               '보험료가 갑자기 인상된 이유를 알고 싶습니다.', '보험료 납입을 잠시 유예할 수 있는지 궁금합니다.',
               '해지환급금이 예상보다 너무 적습니다.', '과오납된 보험료를 환급해 주십시오.',
               '제 개인정보가 다른 사람에게 발송된 것 같습니다.', '모르는 사람이 제 보험 계약 내용을 알고 있었습니다.',
               '마케팅 수신 동의를 철회했는데 광고 문자가 계속 옵니다.', '동의하지 않은 제휴사에서 보험 광고 전화가 옵니다.',
               '제 나이와 소득에 맞지 않는 상품을 권유받았습니다.', '저에게 맞는 보장이 무엇인지 상담받고 싶습니다.',
               '같은 보장인데 다른 회사보다 보험료가 비쌉니다.', '보험료를 낮출 수 있는 특약 조정이 가능한지 알고 싶습니다.',
               '약관이 너무 어려워서 무엇을 보장하는지 모르겠습니다.', '면책기간과 감액기간이 무슨 뜻인지 알려주십시오.',
               '지점 창구에서 한 시간 넘게 기다렸습니다.', '지점 직원이 업무를 잘 몰라서 여러 번 방문했습니다.',
               '콜센터 연결이 너무 오래 걸립니다.', '콜센터 상담원이 다른 부서로만 계속 돌렸습니다.',
               '요청한 증명서 발급이 일주일째 처리되지 않았습니다.', '주소 변경을 요청했는데 아직 반영되지 않았습니다.',
               '모바일 앱에서 보험금 청구가 계속 실패합니다.', '홈페이지 로그인이 되지 않아 계약 조회를 못 합니다.'
             ] AS facts,
             ARRAY['문의드립니다. 방법을 알려주십시오.', '상담을 받고 싶습니다. 연락 부탁드립니다.', '이렇게 개선하면 좋겠다고 제안합니다.',
                   '정말 화가 납니다. 빨리 조치해 주십시오.', '그래도 끝까지 도와주신 직원분께 감사드립니다.', '이 사실을 신고합니다. 확인 바랍니다.'] AS tails,
             ARRAY['', '', '빠른 답변 부탁드립니다. ', '지난번에도 말씀드렸는데 해결되지 않았습니다. ', '가족 계약도 같은 문제가 있습니다. ',
                   '처리 결과를 문자로 알려주십시오. ', '오늘 안에 연락 주시기 바랍니다. '] AS more,
             ARRAY['Inquiry','Consultation','Suggestion','Complaint','Compliment','Report'] AS types),
    base AS (
      SELECT g, random() < 0.25 AS open,
        random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7,
        random() AS r8, random() AS r9, random() AS r10, random() AS r11, random() AS r12, random() AS r13
      FROM generate_series($have + 1, $want) g),
    t AS (
      SELECT b.*,
        -- open cases from the last three weeks, closed ones over two years; squared so that recent weeks hold more
        CASE WHEN b.open THEN now() - power(b.r1, 2) * interval '21 days' ELSE now() - interval '1 day' - power(b.r1, 2) * interval '729 days' END AS received,
        1 + floor(b.r6 * array_length(ref.cats, 1))::int AS ci,
        -- complaints and inquiries most, compliments and reports few
        (ARRAY[1,1,1,2,2,3,4,4,4,4,4,4,5,6])[1 + floor(b.r2 * 14)::int] AS ti
      FROM base b, ref)
    INSERT INTO voc_case (number, channel, type, category_code, severity, subject, text, state, customer_id, contract_id, product_id, agent_id,
      receiving_department_id, managing_department_id, originating_department_id, received_at, created_by,
      first_response_due_at, first_responded_at, resolution_due_at, warn_at, paused_at, resolved_at, resolved_by, closed_at, breached,
      cause, gap, satisfaction, front_line, version)
    SELECT 'VOC-B-' || lpad(t.g::text, 9, '0'),
      (ARRAY['CallCenter','CallCenter','CallCenter','Branch','Agent','WebForm','Email','Email','Letter','Regulator','WebMention','Survey'])[1 + floor(t.r8 * 12)::int],
      ref.types[t.ti], ref.cats[t.ci],
      (ARRAY['Low','Normal','Normal','Normal','High','Critical'])[1 + floor(t.r9 * 6)::int],
      ref.names[t.ci] || ' ' || (ARRAY['문의','상담','제안','불만','칭찬','신고'])[t.ti],
      ref.facts[2 * t.ci - 1 + floor(t.r7 * 20)::int % 2] || ' ' || ref.more[1 + floor(t.r12 * array_length(ref.more, 1))::int] || ref.tails[t.ti],
      CASE WHEN NOT t.open THEN CASE WHEN t.r3 < 0.85 THEN 'Closed' ELSE 'Resolved' END
           ELSE (ARRAY['InProgress','InProgress','InProgress','Assigned','Assigned','Received','WaitingForCustomer','Reopened'])[1 + floor(t.r3 * 8)::int] END,
      kk.customer_id, CASE WHEN t.r10 < 0.7 THEN kk.id END, CASE WHEN t.r10 < 0.7 THEN kk.product_id END, kk.agent_id,
      ref.deps[1 + floor(t.r11 * array_length(ref.deps, 1))::int], ref.deps[1 + floor(t.r12 * array_length(ref.deps, 1))::int],
      ref.deps[1 + floor(t.r13 * array_length(ref.deps, 1))::int],
      t.received, 'bench',
      t.received + interval '4 hours', CASE WHEN t.r5 < 0.75 THEN t.received + t.r4 * interval '6 hours' END,
      -- one to ten days to resolve: the open cases' due times fall from three weeks ago to ten days ahead
      t.received + (1 + floor(t.r7 * 10)) * interval '1 day', t.received + floor(t.r7 * 10) * interval '1 day' + interval '12 hours',
      CASE WHEN t.open AND t.r3 >= 0.75 AND t.r3 < 0.875 THEN t.received + interval '1 day' END,
      CASE WHEN NOT t.open THEN t.received + t.r5 * interval '8 days' END, CASE WHEN NOT t.open THEN 'bench' END,
      CASE WHEN NOT t.open AND t.r3 < 0.85 THEN t.received + t.r5 * interval '8 days' + interval '1 day' END,
      NOT t.open AND t.r5 * 8 > 1 + floor(t.r7 * 10),
      CASE WHEN NOT t.open THEN (ARRAY['ProductTerms','Process','Process','System','StaffConduct','Communication','ThirdParty','CustomerMisunderstanding','Other'])[1 + floor(t.r6 * 9)::int] END,
      CASE WHEN NOT t.open AND t.r11 < 0.3 THEN (ARRAY['Expectations','Design','Delivery','Communication'])[1 + floor(t.r13 * 4)::int] END,
      CASE WHEN NOT t.open AND t.r10 < 0.4 THEN 1 + floor(t.r13 * 5)::int END,
      false, 0
    FROM t CROSS JOIN ref
    JOIN k kk ON kk.i = (t.g::bigint * 7919) % ref.nk
    ORDER BY t.received;  -- stored in the order they came in, as a live database holds them
    -- Repeats: one case in 25 is the same customer's second voice about the same matter (the text and contract of the case
    -- numbered just before it), linked to the earlier of the two.
    WITH p AS (
      SELECT cur.id AS cur_id, prev.id AS prev_id, prev.received_at < cur.received_at AS cur_later
      FROM voc_case cur JOIN voc_case prev ON prev.number = 'VOC-B-' || lpad((substr(cur.number, 7)::int - 1)::text, 9, '0')
      WHERE cur.number LIKE 'VOC-B-%' AND substr(cur.number, 7)::int > $have + 1 AND substr(cur.number, 7)::int % 25 = 0),
    later AS (
      SELECT CASE WHEN cur_later THEN cur_id ELSE prev_id END AS id, CASE WHEN cur_later THEN prev_id ELSE cur_id END AS earlier FROM p)
    UPDATE voc_case c SET repeat_of_id = e.id, customer_id = e.customer_id, contract_id = e.contract_id, product_id = e.product_id, agent_id = e.agent_id,
      category_code = e.category_code, text = e.text, subject = e.subject
    FROM later l JOIN voc_case e ON e.id = l.earlier WHERE c.id = l.id;
    ANALYZE voc_case" >/dev/null
  log "filled in $(python3 -c "import time; print(f'{time.time() - $t0:.1f}')") s"
fi
log "rows: $(sql 'SELECT COUNT(*) FROM customer') customers, $(sql 'SELECT COUNT(*) FROM voc_case') cases ($(sql "SELECT COUNT(*) FROM voc_case WHERE state NOT IN ('Resolved','Closed')") open, $(sql "SELECT COUNT(*) FROM voc_case WHERE received_at >= now() - interval '84 days'") in the last 12 weeks)"
log "database settings: port $BENCH_PG_PORT, PG_SETTINGS=${PG_SETTINGS:-recommended}; $(bench_server_note)"

declare -A runs=()
status=0
export MEASURE_TAIL=3

# --- sla: every open case, worst case (all marks cleared) ----------------------------------------------------------------
if [ "${SLA:-1}" = 1 ]; then
  reset_sla() {
    # VACUUM on its own: psql runs the statements of one -c in one transaction, where VACUUM may not run
    bench_sql -d "$db" -qc "DELETE FROM voc_event WHERE by = 'system:sla';
         UPDATE voc_case SET warned_at = NULL, escalated_at = NULL, breached = false
           WHERE state NOT IN ('Resolved','Closed') AND (warned_at IS NOT NULL OR escalated_at IS NOT NULL OR breached)" \
      -c "VACUUM ANALYZE voc_case" -c "VACUUM ANALYZE voc_event" >/dev/null
  }
  reset_sla
  $cli voc sla run >"$out/voc-sla-warmup.log" 2>&1 || { cat "$out/voc-sla-warmup.log"; exit 1; }
  for round in $(seq 1 "$rounds"); do
    reset_sla
    bench_measure sla 10 "$out/voc-sla-$round.log" $cli voc sla run
  done
  bench_measure sla-rerun 10 "$out/voc-sla-rerun.log" $cli voc sla run
fi

# --- classify: the suggestion a new case waits for --------------------------------------------------------------------------
if [ "${CLASSIFY:-1}" = 1 ]; then
  if [ "${TRAIN:-0}" = 1 ] || [ -z "$(sql "SELECT 1 FROM voc_classifier_model LIMIT 1")" ]; then
    log "training the classifier on the cases"
    $cli voc classifier train >"$out/voc-classifier-train.log" 2>&1 || { cat "$out/voc-classifier-train.log"; exit 1; }
    head -n 3 "$out/voc-classifier-train.log" | sed 's/^/           /'
  fi
  for round in $(seq 1 "$rounds"); do
    line=$($cli voc classifier time --cases 200)
    p99=$(echo "$line" | sed -nE 's/.*p99 ([0-9.]+) ms.*/\1/p')
    flag=""; python3 -c "import sys; sys.exit(0 if $p99 < 50 else 1)" || { flag=" OVER GOAL (50 ms)"; status=3; }
    log "classify  $line load $(cut -d' ' -f1 /proc/loadavg)$flag"
  done
fi

# --- dashboard: the page as a VOC handler ---------------------------------------------------------------------------------
if [ "${DASHBOARD:-1}" = 1 ]; then
  port=${PORT:-5351}
  curl -s -o /dev/null "http://127.0.0.1:$port/health/live" && { echo "port $port is in use: stop that host or set PORT" >&2; exit 1; }
  [ -n "$(sql "SELECT 1 FROM app_user WHERE user_name = 'bench-voc'")" ] || echo 'Demo!2026crm' | $cli users add bench-voc --role VocHandler --password-stdin >/dev/null
  ConnectionStrings__Crm="$(bench_pg_cs "$db" "$BENCH_WEB_POOL")" \
  ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
    dotnet bench/out/web/InsureCrm.Web.dll >"$out/voc-web.log" 2>&1 &
  web=$!
  trap 'kill "$web" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
  cookie=$(bench_login "$port" "$out/voc-cookies.txt" bench-voc)
  curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port/voc/dashboard"   # warm-up
  # CPU seconds of the web host and of all the bench cluster's processes (backends, parallel workers): what one page cost
  # whatever else ran on the machine; the wall time also holds the wait for a core when other work shares them.
  cpu() { python3 -c "
import os, sys
sys.path.insert(0, 'bench')
from procstat import cpu_seconds
pg = 0.0
for e in os.listdir('/proc'):
    if e.isdigit():
        try: title = open(f'/proc/{e}/cmdline', 'rb').read().replace(b'\\0', b' ').decode('utf-8', 'replace')
        except OSError: continue
        if title.startswith('postgres: ') and '/bench' in title.split(':')[1]: pg += cpu_seconds(e) or 0
print(f'{cpu_seconds($web) or 0:.3f} {pg:.3f}')"; }
  # Twice: first as the SLA rounds left the table (about 127,000 cases just updated; the run vacuums the table after that
  # many marks, without which the index-only scan of the figures read the heap for half the rows), then after VACUUM
  # again, the state autovacuum brings the table to within minutes (its threshold is 20 % of the rows changed).
  dashboard() { # NAME
    for round in $(seq 1 $(( rounds + 2 ))); do
      read -r w0 p0 < <(cpu)
      t=$(curl -fs -o "$out/voc-dashboard.html" -w '%{time_total}' -H "Cookie: $cookie" "http://127.0.0.1:$port/voc/dashboard")
      read -r w1 p1 < <(cpu)
      runs[$1]="${runs[$1]:-} $t"
      flag=""; python3 -c "import sys; sys.exit(0 if $t < 1 else 1)" || { flag=" OVER GOAL (1 s)"; status=3; }
      log "$1 GET /voc/dashboard ${t} s ($(wc -c <"$out/voc-dashboard.html") bytes), web CPU $(python3 -c "print(f'{$w1 - $w0:.2f}')") s, PG CPU $(python3 -c "print(f'{$p1 - $p0:.2f}')") s, load $(cut -d' ' -f1 /proc/loadavg)$flag"
    done
  }
  dashboard dashboard
  if [ "${VACUUMED:-1}" = 1 ]; then
    sql "VACUUM voc_case" >/dev/null
    curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port/voc/dashboard"   # warm-up
    dashboard dashboard-vacuumed
  fi
  grep -q 'data-testid="voc-dash-week"' "$out/voc-dashboard.html" || { log "dashboard: the page did not show the cards"; status=1; }
  kill "$web" 2>/dev/null || true
fi

for name in "${!runs[@]}"; do bench_spread "$name" "${runs[$name]}"; done
exit $status
