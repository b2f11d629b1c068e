/// Every scenario SluiceBench knows, in the order they run.
enum BenchmarkRegistry {
    static var all: [any BenchmarkScenario] {
        []
    }
}
