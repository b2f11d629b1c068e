import Foundation
import Synchronization
import Testing
import SluiceCore

@Suite struct RegexConcurrencyTests {
    /// One compiled regex and template shared by 4 OS threads (each with its own per-thread match data), every
    /// result checked. A shared match-data block would make captures of one thread leak into another's.
    @Test func sharedRegexOnFourThreads() throws {
        let regex = try CompiledRegex("^/api/v([0-9]+)/([a-z]+)/([0-9]+)")
        let template = try RewriteTemplate("/backend/$2/${3}?v=$1")
        let threads = 4
        let iterations = 10_000
        let failures = Atomic<Int>(0)
        let finished = DispatchGroup()
        for thread in 0..<threads {
            finished.enter()
            Thread {
                defer { finished.leave() }
                var output: [UInt8] = []
                for iteration in 0..<iterations {
                    let version = thread + 1
                    let name = thread.isMultiple(of: 2) ? "users" : "orders"
                    let id = iteration * (thread + 1)
                    let target = "/api/v\(version)/\(name)/\(id)"
                    guard let match = regex.firstMatch(in: target) else {
                        failures.add(1, ordering: .relaxed)
                        continue
                    }
                    output.removeAll(keepingCapacity: true)
                    RewriteInput.with(subject: target, match: match, target: target) {
                        template.render($0, into: &output)
                    }
                    if output != Array("/backend/\(name)/\(id)?v=\(version)".utf8) {
                        failures.add(1, ordering: .relaxed)
                    }
                    if regex.firstMatch(in: "/api/x\(iteration)") != nil {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }.start()
        }
        #expect(finished.wait(timeout: .now() + 120) == .success)
        #expect(failures.load(ordering: .relaxed) == 0)
    }
}
