#!/usr/bin/env bash
# Regenerates `.sqlx/`, the offline data of the compile-time checked PostgreSQL queries, from a
# scratch database holding the migrated schema. Run after changing a query or a migration and
# commit the result; CI can run it and `git diff --exit-code crates/lead-audit-store/.sqlx`.
# Needs psql and a PostgreSQL server (DATABASE_URL_TEST, default the machine's `test` db).
set -euo pipefail

crate_dir=$(cd "$(dirname "$0")" && pwd)
admin_url=${DATABASE_URL_TEST:-postgres://postgres@127.0.0.1:5432/test}
server_url=${admin_url%/*}
db=lead_audit_prepare_$$

psql "$admin_url" -qc "CREATE DATABASE $db"
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
for migration in "$crate_dir"/migrations/postgres/*.sql; do
    psql "$server_url/$db" -q -v ON_ERROR_STOP=1 -f "$migration"
done

rm -rf "$crate_dir/.sqlx"
mkdir "$crate_dir/.sqlx"
# The macros only re-run when the crate recompiles.
touch "$crate_dir/src/lib.rs"
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$crate_dir/.sqlx" DATABASE_URL="$server_url/$db" \
    cargo check -p lead-audit-store --lib
ls "$crate_dir/.sqlx"
