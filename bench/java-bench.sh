# Shared by bench/export, bench/backup, bench/tsdb and bench/large: build the project, then run one
# benchmark class from the routes module's test classes and write its Markdown rows to
# bench/results/<name>.md.
#   java_bench NAME "HEADER LINE" [java options ...] CLASS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Prints the classpath of the routes module's test classes (built first).
test_classpath() {
  mvn -q -B -DskipTests install -pl routes -am >/dev/null
  mvn -q -B dependency:build-classpath -pl routes -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
  echo "routes/target/test-classes:routes/target/classes:$(cat routes/target/bench.classpath)"
}

java_bench() {
  local name=$1 header=$2; shift 2
  local cp; cp=$(test_classpath)
  mkdir -p bench/results
  {
    echo "Measured $(date +%F) on this machine ($(nproc) cores); $header"
    echo
    java -cp "$cp" "$@" 2>/dev/null | grep '^|'
  } | tee "bench/results/$name.md"
}
