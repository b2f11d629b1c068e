// SluiceBench: CPU cost of Sluice's pure parts (config parsing, rewrite, balancing).
//
//   swift run -c release SluiceBench [--quick] [NAME...]
//   swift run -c release SluiceBench simulate --policy sqf --delays 5,5,5,5,50 --concurrency 32  (SimulateCommand)
//
// Prints one line per scenario: name, iterations, total time, ns per unit (best of 5 runs).
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "simulate" {
    SimulateCommand(arguments: Array(arguments.dropFirst())).run()
    exit(0)
}
let quick = arguments.contains("--quick")
arguments.removeAll { $0 == "--quick" }

var scenarios = BenchmarkRegistry.all
if !arguments.isEmpty {
    scenarios = scenarios.filter { arguments.contains($0.name) }
    if scenarios.isEmpty {
        FileHandle.standardError.write(Data("SluiceBench: no scenario named \(arguments.joined(separator: " ")); known: \(BenchmarkRegistry.all.map(\.name).joined(separator: ", "))\n".utf8))
        exit(2)
    }
}

print("scenario                              iterations      best total      per unit")
for var scenario in scenarios {
    do {
        try scenario.setUp()
    } catch {
        print("\(scenario.name): setup failed: \(error)")
        exit(1)
    }
    let iterations = max(1, quick ? scenario.defaultIterations / 10 : scenario.defaultIterations)
    _ = scenario.run(iterations: max(1, iterations / 10))  // warm-up
    var best = Duration.seconds(1_000_000)
    var sink = 0
    let clock = ContinuousClock()
    for _ in 0..<5 {
        let start = clock.now
        sink &+= scenario.run(iterations: iterations)
        best = min(best, clock.now - start)
    }
    let nanos = Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9
    let perUnit = nanos / Double(iterations)
    let perUnitText = perUnit >= 10_000 ? String(format: "%.1f µs", perUnit / 1000) : String(format: "%.1f ns", perUnit)
    print(
        scenario.name.padding(toLength: 36, withPad: " ", startingAt: 0),
        String(iterations).leftPadded(12),
        String(format: "%12.3f ms", nanos / 1e6),
        (perUnitText + "/" + scenario.unit).leftPadded(20),
        sink == .min ? "!" : ""
    )
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
