# Shared by serve_bench.sh and serve_compare.sh (sourced, from the repository root): the models
# both serve, a server started on a free port, and the request bodies.

# serve_train_models FINML WORK LOG: the LSTM forecaster and the logistic scorer in WORK/models.
serve_train_models() {
  local finml=$1 work=$2 log=$3
  "$finml" run bench/serve_lstm.yaml --out "$work/run" > "$log" 2>&1
  "$finml" credit train --model logistic --no-importance --out "$work/credit" >> "$log" 2>&1
  mkdir -p "$work/models"
  ln -s "$work/run/models/lstm" "$work/models/lstm"
  ln -s "$work/credit" "$work/models/credit"
}

# serve_start FINML WORK [PREFIX...]: starts `finml serve` on WORK/models (under PREFIX, e.g.
# taskset) and sets server_pid and port; exits if it does not start.
serve_start() {
  local finml=$1 work=$2
  shift 2
  "$@" "$finml" serve --models "$work/models" --port 0 --threads 8 --replicas 2 2> "$work/serve.log" &
  server_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log")
    [[ -n "$port" ]] && return 0
    sleep 0.1
  done
  echo "the server did not start" >&2; cat "$work/serve.log" >&2; exit 1
}

serve_stop() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

# serve_write_bodies WORK: the latest window of DJIA closes the LSTM needs (sets bars), and
# applicant 1 of German credit, as WORK/lstm.json and WORK/credit.json; needs a running server.
serve_write_bodies() {
  local work=$1
  bars=$(curl -sf "http://127.0.0.1:$port/v1/models/lstm" | sed -n 's/.*"min_bars":\([0-9]*\).*/\1/p')
  tail -n "$bars" data/aer_djia8012.csv | awk -F, 'BEGIN { printf "{\"prices\": [" }
    { printf "%s%s", (NR > 1 ? ", " : ""), $2 } END { print "]}" }' > "$work/lstm.json"
  head -n 2 data/german_credit.csv | awk -F, 'NR==1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); name[i] = $i } }
    NR==2 { printf "{\"applicant\": {"; sep = "";
            for (i = 1; i <= NF; i++) if (name[i] != "Class") { printf "%s\"%s\": %s", sep, name[i], $i; sep = ", " }
            print "}}" }' > "$work/credit.json"
}
