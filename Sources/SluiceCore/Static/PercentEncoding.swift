/// Percent-encoding of decoded path bytes for URLs Sluice writes itself: the `Location` of a directory
/// redirect and the links of a directory listing.
///
/// Every byte except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) and `/` is encoded. That is
/// more than a path requires, on purpose: the result needs no further HTML escaping inside an attribute
/// (`&`, `'`, `"`, `<` are all encoded), and a name such as `a:b` cannot be read as a scheme.
public enum PercentEncoding {
    public static func encodePath(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount)
        appendPath(bytes, to: &out)
        return out
    }

    public static func appendPath(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        append(bytes, keepingSlash: true, to: &out)
    }

    /// One path segment (a file name): `/` is encoded too.
    public static func appendSegment(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        append(bytes, keepingSlash: false, to: &out)
    }

    private static func append(_ bytes: some Sequence<UInt8>, keepingSlash: Bool, to out: inout [UInt8]) {
        for byte in bytes {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(byte >> 4)])
                out.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
