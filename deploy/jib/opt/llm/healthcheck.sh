#!/bin/bash
# Container health check against the Spring Boot actuator, for docker-compose.
# The JRE base images ship no curl or wget, so this speaks HTTP/1.0 over bash's /dev/tcp.
# Usage: healthcheck.sh PORT [PATH]   (PATH defaults to /actuator/health/readiness)
# Exit 0 only on HTTP 200: the actuator answers 503 while a health group is DOWN or OUT_OF_SERVICE.
set -eu
port="${1:?usage: healthcheck.sh PORT [PATH]}"
path="${2:-/actuator/health/readiness}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r status <&3
exec 3<&-
case "$status" in
  HTTP/1.?\ 200*) exit 0 ;;
  *) echo "unhealthy: ${status}" >&2; exit 1 ;;
esac
