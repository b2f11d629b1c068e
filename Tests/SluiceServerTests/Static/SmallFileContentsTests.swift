import Foundation
import NIOCore
import SluiceCore
import Testing
@testable import SluiceServer

/// The small-file bytes kept per event loop: served only for the stamp they were read with.
@Suite struct SmallFileContentsTests {
    let directory: String
    let allocator = ByteBufferAllocator()

    init() throws {
        directory = NSTemporaryDirectory() + "sluice-small-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> (path: String, stamp: FileStamp) {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (path, try #require(FileStamp.current(path: path)))
    }

    /// A time well after the file's modification: its bytes may be kept.
    func settled(_ stamp: FileStamp) -> Int64 { stamp.modificationSeconds + SmallFileContents.settleSeconds }

    @Test func aFileModifiedJustNowIsServedButNotKept() throws {
        let cache = SmallFileContents()
        let file = try write("fresh.txt", "fresh")
        let now = file.stamp.modificationSeconds + SmallFileContents.settleSeconds - 1
        #expect(cache.bytes(of: file.path, stamp: file.stamp, now: now, allocator: allocator).map { String(buffer: $0) } == "fresh")
        #expect(cache.count == 0)
        #expect(cache.bytes(of: file.path, stamp: file.stamp, now: now + 1, allocator: allocator) != nil)
        #expect(cache.count == 1)
    }

    @Test func keepsBytesWhileTheStampHolds() throws {
        let cache = SmallFileContents()
        let file = try write("a.txt", "first version")
        let bytes = try #require(cache.bytes(of: file.path, stamp: file.stamp, now: settled(file.stamp), allocator: allocator))
        #expect(String(buffer: bytes) == "first version")
        #expect(cache.count == 1 && cache.totalBytes == 13)
        // Removed from disk: the cached bytes still answer for the stamp they were read with.
        try FileManager.default.removeItem(atPath: file.path)
        #expect(cache.bytes(of: file.path, stamp: file.stamp, now: settled(file.stamp), allocator: allocator).map { String(buffer: $0) } == "first version")
    }

    @Test func aNewStampReadsTheFileAgain() throws {
        let cache = SmallFileContents()
        let old = try write("b.txt", "old")
        _ = cache.bytes(of: old.path, stamp: old.stamp, now: settled(old.stamp), allocator: allocator)
        let new = try write("b.txt", "a longer new text")
        #expect(new.stamp != old.stamp)
        #expect(cache.bytes(of: new.path, stamp: new.stamp, now: settled(new.stamp), allocator: allocator).map { String(buffer: $0) } == "a longer new text")
        #expect(cache.count == 1 && cache.totalBytes == 17)
        // Asked with the stale stamp, the file on disk no longer matches it: nil (send from the file).
        #expect(cache.bytes(of: old.path, stamp: old.stamp, now: settled(old.stamp), allocator: allocator) == nil)
    }

    @Test func largeOrMissingFilesAreNotKept() throws {
        let cache = SmallFileContents()
        let big = try write("big.bin", String(repeating: "x", count: Int(SmallFileContents.maxFileSize) + 1))
        #expect(cache.bytes(of: big.path, stamp: big.stamp, now: settled(big.stamp), allocator: allocator) == nil)
        let missing = FileStamp(device: 1, inode: 2, size: 3, modificationSeconds: 4, modificationNanoseconds: 5)
        #expect(cache.bytes(of: directory + "/nothing", stamp: missing, now: 100, allocator: allocator) == nil)
        #expect(cache.count == 0)
    }

    @Test func staysWithinItsByteBudget() throws {
        let cache = SmallFileContents(maxTotalBytes: 25)
        for index in 0..<6 {
            let file = try write("f\(index)", "0123456789")
            #expect(cache.bytes(of: file.path, stamp: file.stamp, now: settled(file.stamp), allocator: allocator) != nil)
            #expect(cache.totalBytes <= 25)
        }
    }
}
