#!/usr/bin/env bash
# `make render-docs`: a township's book for the current quarter, recorded through the real daemon, exported as
# HTML and XLSX and rendered as a person sees them: the HTML by headless Chromium, the workbook by LibreOffice. Writes docs/book-summary-html.png and docs/book-summary-xlsx.png (and the exports next to
# them in var/render/) — look at them after changing anything the book prints.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug}
OUT=$(pwd)/var/render
rm -rf "$OUT" && mkdir -p "$OUT"
cat > "$OUT/sealkeeper.toml" <<TOML
[daemon]
socket = "$OUT/sealkeeper.sock"
state_directory = "$OUT/state"
[pcsc]
enabled = false
[policy]
office_hours = ["08:30-12:00", "14:00-17:30"]
[access]
admin = ["uid:$(id -u)"]
clerk = ["uid:$(id -u)"]
approver = ["uid:$(id -u)"]
inspector = ["uid:$(id -u)"]
trusted_tools = ["uid:$(id -u)"]
TOML
export SEALKEEPER_SOCKET=$OUT/sealkeeper.sock
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=; }
trap stop EXIT
"$BIN/sealkeeperd" --config "$OUT/sealkeeper.toml" >>"$OUT/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 100); do "$BIN/sealctl" status >/dev/null 2>&1 && break; sleep 0.1; done
s() { "$BIN/sealctl" "$@"; }
use() {  # seal matter purpose reason count [urgent]
    local id
    id=$(s --as S003 request create --seal "$1" --matter "$2" --case "2026-$2-$RANDOM" --purpose "$3" --reason "$4" --count "$5" ${6:+--urgent})
    if [ -z "${6:-}" ]; then s --as S002 request approve "$id" >/dev/null; fi
    s --as S001 use record "$id" --count "$5" >/dev/null
    echo "$id"
}

s staff add S001 --name 张三 --role admin --role clerk >/dev/null
s staff add S002 --name 李四 --role approver >/dev/null
s staff add S003 --name 王五 --role clerk >/dev/null
s matter import Config/examples/matters.csv >/dev/null
s seal add --name XX镇人民政府行政审批委托专用章 --kind delegated-approval --medium physical --owner 县行政审批服务局 --holder XX镇人民政府 --custodian S001 >/dev/null
s seal add --name XX镇人民政府业务专用章 --kind business --medium physical --owner 县人社局 --holder XX镇人民政府 --custodian S001 >/dev/null
s seal activate SEAL-0001 >/dev/null
s seal activate SEAL-0002 >/dev/null
s delegation add --agreement 委托协议2026-01 --from 县行政审批服务局 --to XX镇 --supervisor 县司法局 --valid-from 2026-01-01 --valid-to 2099-12-31 \
    --filing 备2026-3 --filed-on 2026-01-05 --seal SEAL-0001 --matter XK-001=handling --matter QR-001=acceptance >/dev/null
s delegation add --agreement 委托协议2026-02 --from 县人社局 --to XX镇 --supervisor 县人社局 --valid-from 2026-01-01 --valid-to 2099-12-31 \
    --seal SEAL-0002 --matter GG-001=handling >/dev/null
for day in $(seq 1 8); do
    use SEAL-0001 XK-001 decision 个体工商户设立登记决定书 $((day % 3 + 1)) >/dev/null
    use SEAL-0002 GG-001 decision 城乡居民基本养老保险参保登记表 1 >/dev/null
    [ $((day % 2)) = 0 ] && use SEAL-0001 QR-001 acceptance 农村村民住宅用地审批受理通知书 1 >/dev/null
done
urgent=$(use SEAL-0001 XK-001 decision 紧急办理个体工商户设立登记 1 urgent)
s --as S002 request deny "$urgent" --reason 不符合紧急用印条件 >/dev/null
s use correct USE-000003 --count 1 --reason 多盖一份作废 >/dev/null
Q="--township XX镇 --quarter $(date +%Y)Q$(( ($(date +%-m) + 2) / 3 ))"
s book export --format html $Q --out "$OUT/book.html" 2>/dev/null
s book export --format xlsx $Q --out "$OUT/book.xlsx" 2>/dev/null
stop

# The first printed page of the HTML (A4 landscape) and the workbook's summary sheet, as PNG.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1123,1400 \
    --screenshot="$OUT/html.png" "file://$OUT/book.html" >/dev/null 2>&1
# LibreOffice's headless Calc exports PDF (not PNG); its first page is the summary sheet as printed.
(cd "$OUT" && soffice --headless --convert-to pdf book.xlsx >/dev/null 2>&1 && pdftoppm -png -r 90 -f 1 -l 1 -singlefile book.pdf xlsx)
cp "$OUT/html.png" docs/book-summary-html.png
cp "$OUT/xlsx.png" docs/book-summary-xlsx.png
echo "wrote docs/book-summary-html.png and docs/book-summary-xlsx.png (exports in $OUT)"
