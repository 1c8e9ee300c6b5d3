"""Beyond torch: Hugging Face transformers' warmup-stable-decay schedule
(``get_wsd_schedule``) from lrsched, on lr 0.1: 2 warmup steps, 4 stable, 4 decay."""

import lrsched

opt = lrsched.SGD([{"lr": 0.1}], lr=0.1)
sched = lrsched.hf.get_wsd_schedule(opt, num_warmup_steps=2, num_decay_steps=4, num_training_steps=10)
for step in range(11):
    print(f"step {step:2d}  lr {sched.get_last_lr()[0]:.6f}")
    if step < 10:
        sched.step()
