import Testing

@testable import SluiceCore

/// `IDTable` against a `Dictionary` doing the same inserts, updates and removals.
@Suite struct IDTableTests {
    @Test func matchesADictionaryUnderRandomChurn() {
        var generator = SeededGenerator(state: 42)
        var table = IDTable<Int>()
        var reference: [Int: Int] = [:]
        var nextID = 0
        var live: [Int] = []
        for step in 0..<20_000 {
            switch generator.next() % 4 {
            case 0, 1:
                // New IDs in sequence, as a pool hands them out; sometimes a far one (a collision chain).
                let id = generator.next() % 16 == 0 ? nextID + 1_000 * Int(generator.next() % 50) : nextID
                nextID += 1
                table[id] = step
                reference[id] = step
                live.append(id)
            case 2 where !live.isEmpty:
                let id = live.remove(at: Int(generator.next() % UInt64(live.count)))
                table[id] = nil
                reference[id] = nil
            default:
                if let id = live.randomElement(using: &generator) {
                    table[id] = -step
                    reference[id] = -step
                }
            }
            #expect(table.count == reference.count)
            if step % 97 == 0 {
                for (id, value) in reference { #expect(table[id] == value) }
                #expect(table[nextID + 5_000_000] == nil)
            }
        }
        for (id, value) in reference { #expect(table[id] == value) }
        #expect(Dictionary(uniqueKeysWithValues: table.entries.map { ($0.key, $0.value) }) == reference)
    }

    /// A negative key is no ID (-1 marks a free slot inside): never stored, never found, removing it changes nothing.
    @Test func negativeKeysAreNotIDs() {
        var table = IDTable<String>()
        table[0] = "c0"
        table[-1] = "x"
        table[-1] = nil
        table[-8] = nil
        #expect(table.count == 1 && table[-1] == nil && table[0] == "c0")
    }

    @Test func removingEveryEntryEmptiesIt() {
        var table = IDTable<String>()
        for id in 0..<100 { table[id] = "c\(id)" }
        #expect(table.count == 100 && table[57] == "c57")
        for id in stride(from: 99, through: 0, by: -3) { table[id] = nil }
        for id in 0..<100 { #expect(table[id] == ((99 - id) % 3 == 0 ? nil : "c\(id)")) }
        #expect(table.count == 66)
        for id in 0..<100 { table[id] = nil }
        #expect(table.isEmpty && table.entries.isEmpty)
    }
}
