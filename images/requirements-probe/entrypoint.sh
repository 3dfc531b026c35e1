#!/bin/sh
# tabby/requirements-probe's entrypoint.
#   (no args)       the requirements-probe service (HTTP 9184)
#   check ARGS...   the probe's CLI, dev.tabby.probe.cli.ProbeCli (bin/tabby probe): its exit code is ours
set -eu
# The JVM flags every Tabby service runs with (images/jvm/service.args, staged by scripts/images.sh).
JVM="@/opt/tabby/jvm/service.args"
if [ "${1:-}" = check ]; then
  shift
  # The CLI is plain Java: the application jar and its dependencies from the fast-jar, without Quarkus' launcher.
  exec java $JVM -cp "/opt/tabby/app/*:/opt/tabby/lib/main/*:/opt/tabby/lib/boot/*" dev.tabby.probe.cli.ProbeCli "$@"
fi
# The service also takes its AppCDS archive (app.args); the CLI runs another class path, which the archive is not for.
exec java $JVM @/opt/tabby/jvm/app.args -jar /opt/tabby/quarkus-run.jar "$@"
