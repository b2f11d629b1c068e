/// Comparison of secrets (hash outputs, plain passwords) whose running time depends only on the
/// lengths, never on where the first difference is, so a client cannot learn a hash byte by byte
/// from response times. lighttpd does the same (`ck_memeq_const_time`).
enum ConstantTime {
    static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        lhs.withContiguousBytes { left in
            rhs.withContiguousBytes { right in
                var difference: UInt8 = left.count == right.count ? 0 : 1
                for index in 0..<max(left.count, right.count) {
                    let l = index < left.count ? left[index] : 0
                    let r = index < right.count ? right[index] : 0
                    difference |= l ^ r
                }
                return difference == 0
            }
        }
    }
}
