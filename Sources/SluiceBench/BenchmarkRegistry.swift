/// Every scenario SluiceBench knows, in the order they run.
enum BenchmarkRegistry {
    static var all: [any BenchmarkScenario] {
        ConfigBenchmarks.all
            + [RegexMatchBenchmark(), RegexRewriteBenchmark()] as [any BenchmarkScenario]
            + AuthBenchmark.all as [any BenchmarkScenario]
            + ProxyBenchmark.all as [any BenchmarkScenario]
    }
}
