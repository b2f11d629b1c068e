/// Every scenario SluiceBench knows, in the order they run.
enum BenchmarkRegistry {
    static var all: [any BenchmarkScenario] {
        var scenarios: [any BenchmarkScenario] = ConfigBenchmarks.all
        scenarios += [RegexMatchBenchmark(), RegexRewriteBenchmark(), RouterBenchmark()] as [any BenchmarkScenario]
        scenarios += BalancerDecisionBenchmark.all as [any BenchmarkScenario]
        scenarios += [BalancerTicketBenchmark(), BalancerSimulationBenchmark()] as [any BenchmarkScenario]
        scenarios += StaticBenchmark.all as [any BenchmarkScenario]
        scenarios += AuthBenchmark.all as [any BenchmarkScenario]
        scenarios += ProxyBenchmark.all as [any BenchmarkScenario]
        return scenarios
    }
}
