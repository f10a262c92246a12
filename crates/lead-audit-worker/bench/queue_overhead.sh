#!/bin/sh
# Queue overhead benchmark: the Rust worker vs Node's BullMQ Worker (5.81.5 and 6.7.0), no-op
# processor, same Redis, same concurrency. Prints a table with the median jobs/s and ratios.
#   JOBS=5000 CONCURRENCY=50 RUNS=3 REDIS_URL=redis://127.0.0.1:6379 bench/queue_overhead.sh
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -p lead-audit-worker --features test-processor --manifest-path "$root/Cargo.toml" >&2
[ -d "$here/../tests/node/node_modules/bullmq6" ] || "$here/../tests/node/setup" >&2
WORKER_BIN="$CARGO_TARGET_DIR/release/lead-audit-worker" exec node "$here/queue_overhead.mjs"
