#!/usr/bin/env bash
# Regenerates `.sqlx/`, the offline data of the compile-time checked queries of both backends,
# from scratch databases holding the migrated schemas, then builds offline from it. Run after
# changing a query or a migration and commit the result; CI can run it and
# `git diff --exit-code crates/lead-audit-store/.sqlx`.
# Needs psql, sqlite3 and a PostgreSQL server (DATABASE_URL_TEST, default the machine's `test` db).
#
# Online, sqlx 0.8's macros describe every query of a crate against the one DATABASE_URL, so
# each backend gets a pass of its own, and each pass fails on the other backend's statements:
# a pass is accepted when all its errors point into the other backend's file. SQLite goes
# first: a PostgreSQL statement can happen to be valid SQLite (`$1` is a SQLite parameter too)
# and get described as SQLite, and the PostgreSQL pass then writes it again; a SQLite statement
# (`?1`) is never valid PostgreSQL. The offline build at the end checks every query.
set -euo pipefail

crate_dir=$(cd "$(dirname "$0")" && pwd)
admin_url=${DATABASE_URL_TEST:-postgres://postgres@127.0.0.1:5432/test}
server_url=${admin_url%%\?*}
server_url=${server_url%/*}
db=lead_audit_prepare_$$
work=$(mktemp -d)

cleanup() {
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$admin_url" -qc "CREATE DATABASE $db"
for migration in "$crate_dir"/migrations/postgres/*.sql; do
    psql "$server_url/$db" -q -v ON_ERROR_STOP=1 -f "$migration"
done
for migration in "$crate_dir"/migrations/sqlite/*.sql; do
    sqlite3 -bail "$work/leads.db" <"$migration"
done

rm -rf "$crate_dir/.sqlx"
mkdir "$crate_dir/.sqlx"

# pass <backend> <database url> <the other backend's source file> <db_name in .sqlx files>
pass() {
    local backend=$1 url=$2 other=$3 db_name=$4
    local log="$work/$backend.log"
    # The macros only re-run when the crate recompiles.
    touch "$crate_dir/src/lib.rs"
    if SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$crate_dir/.sqlx" DATABASE_URL="$url" \
        cargo check -p lead-audit-store --lib --message-format=short >"$log" 2>&1; then
        :
    elif grep -E '^[^ ]+:[0-9]+:[0-9]+: error' "$log" | grep -qv "/src/$other:"; then
        echo "sqlx-prepare: the $backend pass failed on its own statements:" >&2
        grep -E '^[^ ]+:[0-9]+:[0-9]+: error' "$log" | grep -v "/src/$other:" >&2
        exit 1
    fi
    local written
    written=$(grep -l "\"db_name\": \"$db_name\"" "$crate_dir"/.sqlx/*.json 2>/dev/null | wc -l)
    if [ "$written" -eq 0 ]; then
        echo "sqlx-prepare: the $backend pass described no query:" >&2
        cat "$log" >&2
        exit 1
    fi
}

pass sqlite "sqlite://$work/leads.db" postgres.rs SQLite
pass postgres "$server_url/$db" sqlite.rs PostgreSQL

touch "$crate_dir/src/lib.rs"
SQLX_OFFLINE=true cargo check -p lead-audit-store --lib --tests --quiet
for db_name in PostgreSQL SQLite; do
    echo "$db_name: $(grep -l "\"db_name\": \"$db_name\"" "$crate_dir"/.sqlx/*.json | wc -l) queries"
done
