// The article's StepLR through the LRSched product: lr 0.1, ten epochs.
import LRSched

let optimizer = try OptimizerState(lr: 0.1)
let scheduler = try StepLR(optimizer, stepSize: 4, gamma: 0.9)
print("StepLR(step_size=4, gamma=0.9)")
for epoch in 1...10 {
    try scheduler.step()
    print("epoch \(epoch)  lr \(formatFixed(scheduler.getLastLR()[0], digits: 4))")
}
