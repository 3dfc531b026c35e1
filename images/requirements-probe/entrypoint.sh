#!/bin/sh
# tabby/requirements-probe's entrypoint.
#   (no args)       the requirements-probe service (HTTP 9184)
#   check ARGS...   the probe's CLI, dev.tabby.probe.cli.ProbeCli (bin/tabby probe): its exit code is ours
set -eu
JVM="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
if [ "${1:-}" = check ]; then
  shift
  # The CLI is plain Java: the application jar and its dependencies from the fast-jar, without Quarkus' launcher.
  exec java $JVM -cp "/opt/tabby/app/*:/opt/tabby/lib/main/*:/opt/tabby/lib/boot/*" dev.tabby.probe.cli.ProbeCli "$@"
fi
exec java $JVM -jar /opt/tabby/quarkus-run.jar "$@"
