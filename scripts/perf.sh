#!/usr/bin/env bash
# Whole-process performance of ebb at 1M transactions, beside the sqlite3
# shell's own `.import` of the same file (the performance issue's anchor).
#
#   scripts/perf.sh [RUNS]        # default 5 runs each; prints medians
#
# Needs: cargo, awk, GNU time (/usr/bin/time), script(1) from util-linux
# (a pseudo-terminal for the dashboard), and sqlite3 for the reference
# (`apt-get install sqlite3`; skipped with a note when absent).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
ebb=$PWD/target/release/ebb

# 1M rows of ebb's bank CSV, a year of them in date order (as a bank
# exports them), a reported balance every 50th row. Deterministic.
awk 'BEGIN {
  srand(7); print "date,description,amount,balance"; bal = 1000000
  for (i = 0; i < 1000000; i++) {
    d = int(i * 365 / 1000000)
    t = mktime("2025 01 01 12 00 00") + d * 86400
    a = int(rand() * 2000000 - 1000000) / 100; bal += a
    printf "%s,payment %d to supplier %d,%.2f,%s\n", strftime("%Y-%m-%d", t), i, i % 997, a,
      (i % 50 == 49) ? sprintf("%.2f", bal) : ""
  }
}' > "$work/bank.csv"

# Runs "$@" $runs times; prints the median wall time (s) and the median
# peak RSS (MB). $prepare runs before each (untimed).
measure() {
  local label=$1; shift
  local times=() rss=()
  for _ in $(seq "$runs"); do
    eval "${prepare:-true}"
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1
    read -r s kb < "$work/t"
    times+=("$s"); rss+=("$kb")
  done
  local ms mm
  ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mm=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  printf '| %s | %s s | %s MB |\n' "$label" "$ms" "$mm"
  echo "$ms" > "$work/last"
}

echo "| what (1M rows, median of $runs) | time | peak RSS |"
echo "|---|---|---|"
if command -v sqlite3 >/dev/null; then
  prepare='rm -f "$work"/ref.db*'
  measure "sqlite3 \`.import\` into a WAL table with a unique index" \
    sqlite3 "$work/ref.db" "PRAGMA journal_mode=WAL;" \
    "CREATE TABLE t(date TEXT, description TEXT, amount TEXT, balance TEXT);" \
    "CREATE UNIQUE INDEX u ON t(date, description);" \
    ".import --csv --skip 1 $work/bank.csv t"
  ref=$(cat "$work/last")
else
  echo "| sqlite3 reference | (sqlite3 not installed) | |"
  ref=
fi
prepare='rm -f "$work"/book.db*'
measure "ebb import into a fresh book (dedup)" "$ebb" --db "$work/book.db" import "$work/bank.csv" --account bank
mine=$(cat "$work/last")
"$ebb" --db "$work/book.db" import "$work/bank.csv" --account bank >/dev/null
prepare=
measure "ebb re-import of the same rows (all duplicates)" "$ebb" --db "$work/book.db" import "$work/bank.csv" --account bank
measure "ebb forecast --json" "$ebb" --db "$work/book.db" forecast --json --as-of 2025-12-31
# The dashboard in a pseudo-terminal, stopping at its first frame with
# numbers (EBB_BENCH_FIRST_FRAME).
export EBB_BENCH_FIRST_FRAME=1
measure "ebb dashboard: start to first frame" \
  script -qec "stty rows 40 cols 120; $ebb --db $work/book.db" /dev/null
if [ -n "$ref" ]; then
  awk -v a="$mine" -v b="$ref" 'BEGIN { printf "\nimport / sqlite3 .import = %.2f\n", a / b }'
fi
