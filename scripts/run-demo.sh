#!/usr/bin/env bash
# `make run`: sealkeeperd in the foreground on ./var with the demo config (the current user holds every role).
# With no real PC/SC reader on the machine, a private pcscd with the vpcd virtual reader and sealcard-sim (a PIV
# seal card, PIN 123456, state in var/demo-card.json) stand in, so the demo has an electronic seal's card too.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug}
VAR=$(pwd)/var
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
mkdir -p "$VAR"
sed -e "s/@USER@/$(id -un)/g" -e "s#@VAR@#$VAR#g" Config/demo.toml.in > "$VAR/demo.toml"
# `make run-county` leaves the county witness's key here: then this township is witnessed by it.
if [ -s "$VAR/county/witness.vkey" ]; then
    printf '\n[county]\nurl = "http://127.0.0.1:7380"\nwitness_key = "%s"\n' "$(cat "$VAR/county/witness.vkey")" >> "$VAR/demo.toml"
    echo "county: witnessed by $(cut -d+ -f1 "$VAR/county/witness.vkey") at http://127.0.0.1:7380"
fi

# A system pcscd that lists a reader other than vpcd's means real hardware: use it.
real_reader() {
    [ -S /run/pcscd/pcscd.comm ] && opensc-tool -l 2>/dev/null | grep -E '^[0-9]+ ' | grep -vq 'Virtual PCD'
}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if real_reader; then
    echo "pc/sc: using the system pcscd and its readers"
else
    port=41963
    mkdir -p "$VAR/pcsc"
    [ -d /run/pcscd ] || $SUDO mkdir -p /run/pcscd
    rm -f "$VAR/pcsc/pcscd.comm"
    printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x%X\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x%X\n' \
        "$port" "$port" > "$VAR/pcsc/reader.conf"
    # Socket activation on a private socket: never touches a system pcscd (clients use PCSCLITE_CSOCK_NAME).
    systemd-socket-activate -l "$VAR/pcsc/pcscd.comm" /usr/sbin/pcscd -f -c "$VAR/pcsc/reader.conf" >"$VAR/pcsc/pcscd.log" 2>&1 &
    pids+=($!)
    "$BIN/sealcard-sim" --port "$port" --state "$VAR/demo-card.json" --pin 123456 --subject "XX镇电子印章(演示卡)" >"$VAR/pcsc/card.log" 2>&1 &
    pids+=($!)
    export PCSCLITE_CSOCK_NAME="$VAR/pcsc/pcscd.comm"
    echo "pc/sc: no real reader; a private pcscd ($PCSCLITE_CSOCK_NAME) with sealcard-sim in \"Virtual PCD 00 00\" (PIN 123456)."
    echo "       kill -USR1 $! removes the card, kill -USR2 $! puts it back."
fi
echo "sealkeeperd: socket $VAR/sealkeeper.sock — in another terminal:"
echo "  export SEALKEEPER_SOCKET=$VAR/sealkeeper.sock; $(pwd)/$BIN/sealctl status"
"$BIN/sealkeeperd" --config "$VAR/demo.toml"
