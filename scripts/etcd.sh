# The local etcd for one machine: data in var/etcd, client URL 127.0.0.1:2379. Sourced by bin/tabby.
ETCD_DIR="$TABBY_ROOT/var/etcd"
ETCD_PID="$ETCD_DIR/etcd.pid"
ETCD_LOG="$ETCD_DIR/etcd.log"
ETCD_CLIENT="${TABBY_LOCAL_ETCD_CLIENT:-127.0.0.1:2379}"
ETCD_PEER="${TABBY_LOCAL_ETCD_PEER:-127.0.0.1:2380}"

etcd_running() {
  [ -f "$ETCD_PID" ] && kill -0 "$(cat "$ETCD_PID")" 2>/dev/null
}

etcd_healthy() {
  ETCDCTL_API=3 etcdctl --endpoints="http://$ETCD_CLIENT" --dial-timeout=1s --command-timeout=2s endpoint health >/dev/null 2>&1
}

etcd_start() {
  install_missing $PKGS_RUN
  if etcd_running; then
    say "etcd already running (pid $(cat "$ETCD_PID")) on http://$ETCD_CLIENT"
    return 0
  fi
  if etcd_healthy; then
    die "something else already serves etcd on $ETCD_CLIENT; stop it or set TABBY_ETCD_ENDPOINTS to use it"
  fi
  mkdir -p "$ETCD_DIR/data"
  chmod 700 "$ETCD_DIR/data"
  setsid etcd --name tabby --data-dir "$ETCD_DIR/data" \
    --listen-client-urls "http://$ETCD_CLIENT" --advertise-client-urls "http://$ETCD_CLIENT" \
    --listen-peer-urls "http://$ETCD_PEER" --initial-advertise-peer-urls "http://$ETCD_PEER" \
    --initial-cluster "tabby=http://$ETCD_PEER" --auto-compaction-retention=1h \
    >"$ETCD_LOG" 2>&1 < /dev/null &
  echo $! > "$ETCD_PID"
  local i
  for i in $(seq 1 100); do
    etcd_healthy && { say "etcd started (pid $(cat "$ETCD_PID")) on http://$ETCD_CLIENT, data in $ETCD_DIR/data"; return 0; }
    kill -0 "$(cat "$ETCD_PID")" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 5 "$ETCD_LOG" >&2
  die "etcd did not become healthy; its log is $ETCD_LOG"
}

etcd_stop() {
  if ! etcd_running; then
    say "etcd is not running"
    rm -f "$ETCD_PID"
    return 0
  fi
  local pid; pid=$(cat "$ETCD_PID")
  kill "$pid"
  local i
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$ETCD_PID"; say "etcd stopped"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  rm -f "$ETCD_PID"
  say "etcd killed after 5 s"
}

etcd_status() {
  if etcd_running && etcd_healthy; then
    say "etcd running (pid $(cat "$ETCD_PID")) and healthy on http://$ETCD_CLIENT"
  elif etcd_running; then
    say "etcd running (pid $(cat "$ETCD_PID")) but not answering on http://$ETCD_CLIENT; see $ETCD_LOG"
    return 1
  else
    say "etcd is not running; start it with: bin/tabby etcd start"
    return 3
  fi
}
