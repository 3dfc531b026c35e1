# The lists of classes each Quarkus service's AppCDS archive holds beyond Quarkus' boot (dev.tabby.runtime.cds.
# StartupClasses reads them in the archive's generation run). Sourced by bin/tabby (after lib.sh), not run.
#
#   startup_classes_record   runs `bench footprint` (one node, every service this host runs, alone and together,
#                            10 workloads) with every JVM logging the classes it loads, and writes
#                            services/runtime/src/main/resources/META-INF/tabby/startup-classes.txt (the classes every
#                            service loaded) and <module>/src/main/resources/META-INF/tabby/startup-classes.txt (the
#                            ones only that service loaded). ipip-manager (not run on a kernel without ipip) keeps
#                            its list. Run it after a change of dependencies; a stale list only makes starts slower.

STARTUP_CLASSES_FILE="META-INF/tabby/startup-classes.txt"

# _startup_classes_of LOG: the classes a JVM loaded from a jar or the JDK's modules, or from an AppCDS archive (which
# is made from these lists: counted too, so a second recording keeps them); not the JDK's default archive's, which
# every JVM has anyway, and not hidden classes (lambdas, proxies), which an archive cannot take by name.
_startup_classes_of() {
  awk '/\[class,load\]/ {
         name = $2; src = $0; sub(/.* source: /, "", src)
         if (name ~ /\/0x|\$\$Lambda/) next
         if (src ~ /^(file:|jrt:)/ || src == "shared objects file (top)") print name
       }' "$1" | sort -u
}

startup_classes_record() {
  local dir log module out header
  dir=$(mktemp -d /tmp/tabby-startup-classes.XXXXXX)
  say "recording the services' class loading (bench footprint --workloads 10, logs in $dir)"
  JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$dir/%p.log" \
    java -cp "$(module_classpath services/testbed)" dev.tabby.testbed.bench.FootprintBench --workloads 10 \
    </dev/null >"$dir/bench.out" 2>&1 || { tail -n 20 "$dir/bench.out" >&2; die "the recording run failed; its output is $dir/bench.out"; }
  for log in "$dir"/*.log; do
    # A service's JVM runs its fast-jar: <module>/target/quarkus-app/.
    module=$(grep -m1 -o "$TABBY_ROOT/[a-z-]*/target/quarkus-app/" "$log" | sed "s|^$TABBY_ROOT/||; s|/target/.*||") || true
    [ -n "$module" ] || continue
    _startup_classes_of "$log" >> "$dir/$module.all"
  done
  local modules=()
  for out in "$dir"/*.all; do
    [ -e "$out" ] || die "no service's class loading was recorded; see $dir/bench.out"
    module=$(basename "$out" .all)
    modules+=("$module")
    sort -u "$out" > "$dir/$module.cls"
  done
  cp "$dir/${modules[0]}.cls" "$dir/common"
  for module in "${modules[@]:1}"; do
    comm -12 "$dir/common" "$dir/$module.cls" > "$dir/common.next"
    mv "$dir/common.next" "$dir/common"
  done
  header="# Made by bin/tabby startup-classes (scripts/startup-classes.sh) on $(date -u +%Y-%m-%d): the classes"
  { echo "$header every service loaded"
    echo "# ($(echo "${modules[@]}")); read by dev.tabby.runtime.cds.StartupClasses. One class a line."
    cat "$dir/common"; } > "$TABBY_ROOT/services/runtime/src/main/resources/$STARTUP_CLASSES_FILE"
  say "services/runtime: $(wc -l < "$dir/common") classes every service loads"
  for module in "${modules[@]}"; do
    mkdir -p "$TABBY_ROOT/$module/src/main/resources/META-INF/tabby"
    { echo "$header only $module loaded"
      echo "# (the ones all services load are in services/runtime's list); read by dev.tabby.runtime.cds.StartupClasses."
      comm -23 "$dir/$module.cls" "$dir/common"; } > "$TABBY_ROOT/$module/src/main/resources/$STARTUP_CLASSES_FILE"
    say "$module: $(comm -23 "$dir/$module.cls" "$dir/common" | wc -l) classes of its own"
  done
  rm -rf "$dir"
}
