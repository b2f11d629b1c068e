import Foundation

/// Finds the package's built executables for tests that run them as subprocesses.
///
/// `swift build` (and `scripts/test`, which builds every product before `swift test`) puts them next to the
/// test bundle, in `.build/<triple>/debug/`; `$SLUICE_WORKER` / `$SLUICE_BINARY` may point elsewhere.
enum TestBinaries {
    struct NotFound: Error, CustomStringConvertible {
        let product: String
        let searched: [String]

        var description: String {
            "\(product) is not built (looked in \(searched.joined(separator: ", "))). "
                + "Build it first with `swift build --product \(product)`; `scripts/test` builds every product "
                + "before `swift test`."
        }
    }

    /// The package root, from this file's path (`Tests/IntegrationTests/Support/TestBinaries.swift`).
    static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 {
            url.deleteLastPathComponent()
        }
        return url.path
    }

    /// The path of the executable `product` (e.g. `"sluice-worker"`).
    static func path(of product: String) throws -> String {
        var candidates: [String] = []
        let variable = product == "sluice-worker" ? "SLUICE_WORKER" : "SLUICE_BINARY"
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty {
            candidates.append(override)
        }
        // Next to the running test binary (Linux: .build/<triple>/debug/SluicePackageTests.xctest).
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(product).path)
        }
        // macOS: .build/debug/SluicePackageTests.xctest/Contents/MacOS/…; both: the .build/debug symlink.
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(product).path)
        candidates.append(packageRoot + "/.build/debug/" + product)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw NotFound(product: product, searched: candidates)
    }
}
