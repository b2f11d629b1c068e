/// One benchmark scenario (like NIOPerformanceTester's files): `run` does `iterations` units of work and
/// returns a value derived from them so the optimiser cannot drop the work.
protocol BenchmarkScenario {
    /// Short name used on the command line and in BENCHMARKS.md.
    var name: String { get }
    /// What one iteration is ("request", "decision", "parse").
    var unit: String { get }
    /// Iterations for a default run; the runner scales this down with `--quick`.
    var defaultIterations: Int { get }
    /// Called once before timing.
    mutating func setUp() throws
    /// Does the measured work.
    mutating func run(iterations: Int) -> Int
}

extension BenchmarkScenario {
    mutating func setUp() throws {}
}
