#!/usr/bin/env bash
# Regenerates docs/schedules.svg and docs/schedules.png (the README's chart):
# warmup + cosine, OneCycleLR and CyclicLR over 200 steps; and docs/beyond-torch.svg/.png
# (the "Beyond torch" chart: timm's WSD and cosine with restarts). Needs rsvg-convert
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
# The "Beyond torch" chart: timm's WSD (warmup, stable, 1-sqrt decay) and timm's cosine
# with restarts (cycles 1.5x longer and 0.6x lower each time, warmup prefix).
"$CLI" plot --lr 0.1 --steps 200 --title "Beyond torch: timm's WSD and cosine with restarts" \
  --label "timm WSDLRScheduler (1-sqrt decay)" --label "timm CosineLRScheduler, 3 cycles" \
  '{"type": "timm.WSDLRScheduler", "t_initial": 180, "decay_t": 60, "warmup_t": 20, "warmup_lr_init": 0.001, "lr_min": 0.001}' \
  '{"type": "timm.CosineLRScheduler", "t_initial": 40, "cycle_mul": 1.5, "cycle_decay": 0.6, "cycle_limit": 3, "warmup_t": 10, "warmup_lr_init": 0.001, "warmup_prefix": true, "lr_min": 0.002}' \
  -o docs/beyond-torch.svg
rsvg-convert -o docs/beyond-torch.png docs/beyond-torch.svg
