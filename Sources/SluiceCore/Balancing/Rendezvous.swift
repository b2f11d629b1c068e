/// Rendezvous (highest-random-weight) hashing, shared by `hash` and `sticky` (Thaler & Ravishankar, "Using
/// name-based mappings to increase hit rates", 1998; what lighttpd 1.5's `carp` meant to be).
///
/// Each backend that is up scores `mix(key XOR backend.rendezvousSeed)` and the highest wins. A key's winner
/// changes only if the winner itself leaves (or a new backend outscores it), so removing one of N backends moves
/// only the keys it held, about 1/N. The seed depends on the backend's name, not its position, and
/// `StableHash` is the same in every process, so every Sluice process agrees. lighttpd 1.5's carp summed three
/// 32-bit CRCs in a 64-bit integer, so the URL never changed the winner; mixing the XOR avoids that.
enum Rendezvous {
    static func pick(from backends: [Backend], key: UInt64, now: UInt64) -> Int? {
        var best = -1
        var bestScore: UInt64 = 0
        for index in backends.indices {
            guard backends.isUp(index, at: now) else { continue }
            let score = StableHash.mix(key ^ backends.rendezvousSeed(index))
            if best < 0 || score > bestScore {
                best = index
                bestScore = score
            }
        }
        return best >= 0 ? best : nil
    }
}
