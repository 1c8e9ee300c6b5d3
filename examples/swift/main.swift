// The article's three schedules with the Swift core: lr 0.1, ten epochs each.
import LRSched

let schedules: [(String, (OptimizerState) throws -> LRScheduler)] = [
    ("ExponentialLR(gamma=0.9)", { try ExponentialLR($0, gamma: 0.9) }),
    ("StepLR(step_size=4, gamma=0.9)", { try StepLR($0, stepSize: 4, gamma: 0.9) }),
    ("LinearLR(start_factor=0.5, total_iters=4)", { try LinearLR($0, startFactor: 0.5, totalIters: 4) }),
]
for (title, make) in schedules {
    let optimizer = try OptimizerState(lr: 0.1)
    let scheduler = try make(optimizer)
    print(title)
    for epoch in 1...10 {
        // ... one epoch of training: optimizer steps ...
        try scheduler.step()
        print("epoch \(epoch)  lr \(formatFixed(scheduler.getLastLR()[0], digits: 4))")
    }
}
