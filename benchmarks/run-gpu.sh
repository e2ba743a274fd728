#!/usr/bin/env bash
# The engine benchmark on an NVIDIA GPU in one go: builds with the CUDA ONNX Runtime (-Pcuda) and runs
# EngineBench with llm.inference.device=cuda on the GPT-2-small-sized model, float32, int8 and int4.
# UNTESTED: written on a CPU-only machine. Needs CUDA 12 and cuDNN 9 libraries on the loader path
# (what onnxruntime_gpu 1.28 links against) and Java 25.
#   benchmarks/run-gpu.sh                     (defaults below)
#   benchmarks/run-gpu.sh --streams=1,64 --new=128
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -B -q -Pcuda -pl benchmarks -am package -DskipTests
if ! grep -q onnxruntime_gpu benchmarks/target/classpath.txt; then
  echo "the classpath has no onnxruntime_gpu: the cuda profile did not apply" >&2
  exit 1
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
# --bandwidth-gbs: the roofline uses the GPU's nominal memory bandwidth (H200: 4800 GB/s), not the
# host-memory probe. --threads=1: ONNX Runtime's CPU threads only feed the GPU here.
JAVA_OPTS="-Xmx8g -Dllm.inference.device=cuda" BUILD=0 exec benchmarks/run.sh EngineBench \
  --model=gpt2 --formats=fp32,int8,int4 --streams=1,4,16,64,256 --prompt=32 --new=64 --repeat=2 \
  --threads=1 --bandwidth-gbs="${GPU_BANDWIDTH_GBS:-4800}" "$@"
