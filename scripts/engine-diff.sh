#!/usr/bin/env bash
# Do the engine's numbers stay the same? Projects thousands of random books
# (examples/engine_digest.rs) with the working tree and with a revision, and
# compares every day, event, summary and warning, book by book.
#
#   scripts/engine-diff.sh [REV] [BOOKS]    # default: HEAD, 20000 books
#
# Run it before committing a change that should not move a number (a
# speed-up, a tidy-up). A difference names the books that differ; see one
# with `cargo run --release --example engine_digest -- BOOKS SEED` on each
# side. Needs git and cargo; takes a few minutes (two release builds).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
books=${2:-20000}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --quiet --detach "$work/old" "$rev"
mkdir -p "$work/old/examples"
cp examples/engine_digest.rs "$work/old/examples/"
export CARGO_TARGET_DIR=$PWD/target/engine-diff
(cd "$work/old" && cargo run --quiet --release --example engine_digest -- "$books" all) > "$work/old.txt"
cargo run --quiet --release --example engine_digest -- "$books" all > "$work/new.txt"

if cmp -s "$work/old.txt" "$work/new.txt"; then
  echo "same numbers on $books random books ($rev and the working tree)"
else
  echo "the numbers differ from $rev on these books (seed, digest):"
  diff "$work/old.txt" "$work/new.txt" | grep '^>' | head -20
  exit 1
fi
