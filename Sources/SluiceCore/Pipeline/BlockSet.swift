/// A set of config block indices, one bit per block.
///
/// The condition evaluator builds one (or two) per rewrite pass; as `[Bool]` each was an allocation. The first 64
/// blocks (every config short of a generated one) live in one inline word, which is also the key the site's table
/// of resolved options is looked up by; blocks beyond use an array of further words.
public struct BlockSet: Sendable, Hashable {
    /// Blocks 0-63.
    private(set) var low: UInt64 = 0
    /// Blocks 64 and up, 64 per word; empty while none of them is in the set.
    private var high: [UInt64] = []

    public init() {}

    /// The set of the indices whose flag is true.
    public init(_ flags: [Bool]) {
        for index in flags.indices where flags[index] { self[index] = true }
    }

    public subscript(index: Int) -> Bool {
        get {
            if index < 64 { return low & (1 << UInt64(index)) != 0 }
            let word = index / 64 - 1
            return word < high.count && high[word] & (1 << UInt64(index % 64)) != 0
        }
        set {
            if index < 64 {
                if newValue { low |= 1 << UInt64(index) } else { low &= ~(1 << UInt64(index)) }
                return
            }
            let word = index / 64 - 1
            if word >= high.count {
                guard newValue else { return }
                high.append(contentsOf: repeatElement(0, count: word - high.count + 1))
            }
            if newValue { high[word] |= 1 << UInt64(index % 64) } else { high[word] &= ~(1 << UInt64(index % 64)) }
        }
    }

    /// The whole set as one word, when no block past 63 is in it (the resolved-options table's key).
    var word: UInt64? { high.allSatisfy { $0 == 0 } ? low : nil }
}
