#!/usr/bin/env bash
# `make run-county`: sealcountyd in the foreground with a private PostgreSQL under ./var/county (Unix socket only),
# the current user holding both county roles, the witness on 127.0.0.1:7380 (loopback, so plain HTTP).
# When the `make run` township answers on var/sealkeeper.sock, its register is trusted ([[township]]). The county's
# cosigner key is written to var/county/witness.vkey, where `make run` picks it up for the township's [county].
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug}
VAR=$(pwd)/var
COUNTY=$VAR/county
mkdir -p "$COUNTY"
scripts/county-postgres.sh start "$COUNTY/pg"
trap 'scripts/county-postgres.sh stop "$COUNTY/pg"' EXIT

township=""
if [ -S "$VAR/sealkeeper.sock" ] && origin=$("$BIN/sealctl" --socket "$VAR/sealkeeper.sock" status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["journal"]["origin"])'); then
    vkey=$("$BIN/sealctl" --socket "$VAR/sealkeeper.sock" book key 2>/dev/null)
    township=$(printf '[[township]]\nname = "演示镇"\norigin = "%s"\nvkey = "%s"\n' "$origin" "$vkey")
    echo "county: trusting the make-run township $origin"
else
    echo "county: the make-run township is not running; add townships with: sealctl county township add --name … --origin … --key …"
fi
cat > "$COUNTY/county.toml" <<TOML
# Demo configuration written by \`make run-county\`.
[county]
name = "county.demo/witness"
state_directory = "$COUNTY/state"
socket = "$COUNTY/sealcounty.sock"
socket_mode = "0600"

[database]
socket_directory = "$COUNTY/pg"

[townships]
listen = "127.0.0.1:7380"

[access]
county-admin = ["user:$(id -un)"]
county-inspector = ["user:$(id -un)"]

$township
TOML
"$BIN/sealcountyd" --config "$COUNTY/county.toml" --print-key > "$COUNTY/witness.vkey"
echo "sealcountyd: witness key $(cat "$COUNTY/witness.vkey") (in var/county/witness.vkey; restart make run to use it)"
echo "  export SEALCOUNTY_SOCKET=$COUNTY/sealcounty.sock; $(pwd)/$BIN/sealctl county status"
"$BIN/sealcountyd" --config "$COUNTY/county.toml"
