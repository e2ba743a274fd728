#!/usr/bin/env bash
# Runs one benchmark program outside Maven (Maven's own JVM and classpath would distort the numbers):
#   benchmarks/run.sh EngineBench --model=gpt2 --streams=1,16
#   BUILD=1 benchmarks/run.sh BandwidthProbe      (rebuild first; MVN_FLAGS="-o -Pcuda" to pass more)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [[ ! -f benchmarks/target/classpath.txt || "${BUILD:-0}" == 1 ]]; then
  # shellcheck disable=SC2086
  ./mvnw -B -q ${MVN_FLAGS:-} -pl benchmarks -am package -DskipTests
fi
class=$1
shift
# jdk.incubator.vector: Jlama's SIMD kernels; harmless for the others. launcher/target/classes: PlatformBench
# (build it with ./mvnw -B -o -q -pl launcher compile).
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${JAVA_OPTS:--Xmx4g} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector \
  -cp "benchmarks/target/classes:launcher/target/classes:$(cat benchmarks/target/classpath.txt)" "dev.llmplatform.bench.$class" "$@"
