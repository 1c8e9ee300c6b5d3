#!/usr/bin/env bash
# Regenerates docs/schedules.svg and docs/schedules.png (the README's chart):
# warmup + cosine, OneCycleLR and CyclicLR over 200 steps. Needs rsvg-convert
# (Debian: librsvg2-bin) for the PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${CLI:-.build/release/lrsched-cli}
"$CLI" plot --lr 0.1 --momentum 0.9 --steps 200 --title "Three ways to schedule 200 steps" \
  --label "warmup + cosine (SequentialLR)" --label "OneCycleLR" --label "CyclicLR triangular2" \
  '{"type": "SequentialLR", "schedulers": [{"type": "LinearLR", "start_factor": 0.01, "total_iters": 20}, {"type": "CosineAnnealingLR", "T_max": 180}], "milestones": [20]}' \
  'OneCycleLR max_lr=0.1 total_steps=200' \
  'CyclicLR base_lr=0.001 max_lr=0.1 step_size_up=25 mode=triangular2' \
  -o docs/schedules.svg
rsvg-convert -o docs/schedules.png docs/schedules.svg
