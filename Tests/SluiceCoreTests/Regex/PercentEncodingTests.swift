import Testing
import SluiceCore

/// Every byte value through the encoding modifiers, against RFC 3986 §2.3 (unreserved: ALPHA DIGIT - . _ ~).
@Suite struct PercentEncodingTests {
    static func render(_ template: String, subject: [UInt8]) throws -> [UInt8] {
        let regex = try CompiledRegex("^/x/([\\s\\S]*)$")
        let parsed = try RewriteTemplate(template)
        return try subject.withUnsafeBufferPointer { bytes in
            let match = try #require(regex.firstMatch(in: bytes))
            return parsed.render(RewriteInput(subject: bytes, match: match))
        }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    static func escaped(_ byte: UInt8) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        return [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
    }

    @Test(arguments: 0...255)
    func everyByte(_ value: Int) throws {
        let byte = UInt8(value)
        let subject = Array("/x/".utf8) + [byte]
        let encoded = Self.isUnreserved(byte) ? [byte] : Self.escaped(byte)
        #expect(try Self.render("$1", subject: subject) == [byte])
        #expect(try Self.render("${noesc:1}", subject: subject) == [byte])
        #expect(try Self.render("${esc:1}", subject: subject) == encoded)
        #expect(try Self.render("${escnde:1}", subject: subject) == encoded)
        #expect(try Self.render("${1}", subject: subject) == (byte == UInt8(ascii: "/") ? [byte] : encoded))
    }

    @Test(arguments: 0...255)
    func existingEscapeOfEveryByte(_ value: Int) throws {
        let byte = UInt8(value)
        let lowerHex = Array(String(byte, radix: 16).utf8)
        let escape = [UInt8(ascii: "%")] + (lowerHex.count == 1 ? [UInt8(ascii: "0")] + lowerHex : lowerHex)
        let subject = Array("/x/".utf8) + escape
        // No double encoding: an escape of an unreserved byte is decoded, any other stays exactly as written.
        let kept = Self.isUnreserved(byte) ? [byte] : escape
        #expect(try Self.render("${escnde:1}", subject: subject) == kept)
        #expect(try Self.render("${1}", subject: subject) == kept)
        #expect(try Self.render("${esc:1}", subject: subject) == Self.escaped(UInt8(ascii: "%")) + escape.dropFirst())
    }
}
